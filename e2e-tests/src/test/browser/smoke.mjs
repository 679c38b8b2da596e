// Smoke test of the browser harness (harness.mjs, whose conventions every browser script here
// follows): open a page, check its title, take a screenshot.
//
// env: BASE_URL      page to open
//      EXPECT_TITLE  the title that page must have
//      SCREENSHOTS   directory for screenshots (created if missing)
//      CHROMIUM      optional, path of the Chromium binary
import { env, session } from './harness.mjs';

const BASE_URL = env('BASE_URL');
const EXPECT_TITLE = env('EXPECT_TITLE');

let page;
const { step, shot, run } = session('smoke', () => page);

await run(async (browser) => {
  page = await step('new page', () => browser.newPage({ viewport: { width: 1280, height: 800 } }));
  await step(`open ${BASE_URL}`, async () => {
    const response = await page.goto(BASE_URL, { waitUntil: 'load', timeout: 30_000 });
    if (!response || !response.ok()) throw new Error(`HTTP ${response ? response.status() : 'no response'}`);
  });
  await step(`title is "${EXPECT_TITLE}"`, async () => {
    const title = await page.title();
    if (title !== EXPECT_TITLE) throw new Error(`expected title "${EXPECT_TITLE}" but was "${title}"`);
  });
  await step('screenshot smoke.png', () => shot('smoke'));
});
