// Smoke test of the browser harness, and the example of the conventions every browser script
// here follows (the console test included):
//  - configuration comes only from the environment (BrowserScript sets it; no arguments, no files);
//  - the browser is Debian's Chromium (env CHROMIUM, else /usr/bin/chromium), never a Playwright
//    download; headless, with --no-sandbox since CI runs as root;
//  - each step goes through step(): it prints "✓ name" or "✗ name: error", and on failure saves a
//    screenshot named after the step into $SCREENSHOTS before the script exits non-zero.
//
// env: BASE_URL      page to open
//      EXPECT_TITLE  the title that page must have
//      SCREENSHOTS   directory for screenshots (created if missing)
//      CHROMIUM      optional, path of the Chromium binary
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined || value === '') {
    console.error(`✗ config: env ${name} is not set`);
    process.exit(2);
  }
  return value;
};

const BASE_URL = env('BASE_URL');
const EXPECT_TITLE = env('EXPECT_TITLE');
const SCREENSHOTS = env('SCREENSHOTS');
const CHROMIUM = env('CHROMIUM', '/usr/bin/chromium');

mkdirSync(SCREENSHOTS, { recursive: true });
const fileName = (name) => name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') + '.png';

let browser;
let page;

const step = async (name, fn) => {
  try {
    const result = await fn();
    console.log(`✓ ${name}`);
    return result;
  } catch (error) {
    const message = String(error?.message ?? error).split('\n')[0];
    console.log(`✗ ${name}: ${message}`);
    if (page) {
      const file = join(SCREENSHOTS, 'failed-' + fileName(name));
      await page.screenshot({ path: file, fullPage: true })
        .then(() => console.log(`  screenshot: ${file}`))
        .catch((e) => console.log(`  (no screenshot: ${String(e?.message ?? e).split('\n')[0]})`));
    }
    throw error;
  }
};

try {
  browser = await step('launch chromium', () => chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox'],
  }));
  page = await step('new page', () => browser.newPage({ viewport: { width: 1280, height: 800 } }));
  await step(`open ${BASE_URL}`, async () => {
    const response = await page.goto(BASE_URL, { waitUntil: 'load', timeout: 30_000 });
    if (!response || !response.ok()) throw new Error(`HTTP ${response ? response.status() : 'no response'}`);
  });
  await step(`title is "${EXPECT_TITLE}"`, async () => {
    const title = await page.title();
    if (title !== EXPECT_TITLE) throw new Error(`expected title "${EXPECT_TITLE}" but was "${title}"`);
  });
  await step('screenshot smoke.png', () => page.screenshot({ path: join(SCREENSHOTS, 'smoke.png'), fullPage: true }));
  console.log('smoke: all steps passed');
} catch (error) {
  console.error(`smoke: FAILED: ${String(error?.message ?? error).split('\n')[0]}`);
  process.exitCode = 1;
} finally {
  await browser?.close().catch(() => {});
}
