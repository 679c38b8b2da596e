// What every browser script here shares (smoke.mjs shows the conventions):
//  - configuration comes only from the environment (BrowserScript sets it; no arguments, no files);
//  - the browser is Debian's Chromium (env CHROMIUM, else /usr/bin/chromium), never a Playwright
//    download; headless, with --no-sandbox since CI runs as root;
//  - each step goes through step(): it prints "✓ name" or "✗ name: error", and on failure saves a
//    screenshot named after the step into $SCREENSHOTS before the script exits non-zero.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** A setting from the environment; a missing one ends the script with exit code 2. */
export const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined || value === '') {
    console.error(`✗ config: env ${name} is not set`);
    process.exit(2);
  }
  return value;
};

export const expect = (condition, message) => {
  if (!condition) throw new Error(message);
};

const firstLine = (error) => String(error?.message ?? error).split('\n')[0];
const fileName = (name) => name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') + '.png';

/**
 * One script's run. {@code currentPage} returns the page the script drives (or nothing yet), for
 * the screenshot of a failed step. {@code run(body)} launches Chromium, gives it to the body, reports
 * the outcome as "<name>: all steps passed" or "<name>: FAILED: ..." and always closes the browser.
 */
export function session(name, currentPage) {
  const screenshots = env('SCREENSHOTS');
  mkdirSync(screenshots, { recursive: true });
  const file = (fileNameInDir) => join(screenshots, fileNameInDir);

  const step = async (stepName, fn) => {
    try {
      const result = await fn();
      console.log(`✓ ${stepName}`);
      return result;
    } catch (error) {
      console.log(`✗ ${stepName}: ${firstLine(error)}`);
      const page = currentPage();
      if (page) {
        const path = file('failed-' + fileName(stepName));
        await page.screenshot({ path, fullPage: true })
          .then(() => console.log(`  screenshot: ${path}`))
          .catch((e) => console.log(`  (no screenshot: ${firstLine(e)})`));
      }
      throw error;
    }
  };

  const shot = (shotName) => currentPage().screenshot({ path: file(shotName + '.png'), fullPage: true });

  const run = async (body) => {
    let browser;
    try {
      browser = await step('launch chromium', () => chromium.launch({
        executablePath: env('CHROMIUM', '/usr/bin/chromium'),
        headless: true,
        args: ['--no-sandbox'],
      }));
      await body(browser);
      console.log(`${name}: all steps passed`);
    } catch (error) {
      console.error(`${name}: FAILED: ${firstLine(error)}`);
      process.exitCode = 1;
    } finally {
      await browser?.close().catch(() => {});
    }
  };

  return { step, shot, file, run };
}
