// The console in a real browser, against the running mesh (ConsoleIT starts it):
// an anchor signs in, sees a fresh escalation appear without a reload, approves it with a
// reason; the agent receives the approval; someone without the role sees nothing to act on;
// an auditor finds the decision in the ledger, naming the person, and the page verifies its
// inclusion proof against the signed checkpoint. Screenshots of each page go to $SCREENSHOTS.
// Conventions: see harness.mjs.
//
// env: CONSOLE_URL, GATEWAY_URL, AGENT_TOKEN (a development token of an agent), SCREENSHOTS, CHROMIUM (optional)
import { writeFileSync } from 'node:fs';
import { env, expect, session } from './harness.mjs';

const CONSOLE = env('CONSOLE_URL');
const GATEWAY = env('GATEWAY_URL');
const AGENT_TOKEN = env('AGENT_TOKEN');

let page;
const { step, shot, file, run } = session('console', () => page);

async function signIn(person) {
  await page.goto(CONSOLE + '/sign-in');
  await page.getByLabel(person, { exact: false }).first().check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/queue');
}

async function signOut() {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/sign-in');
}

await run(async (browser) => {
  // a person in Paris: times must show in their time zone
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, timezoneId: 'Europe/Paris', locale: 'en-GB' });

  await step('the sign-in page offers the demo\'s people', async () => {
    await page.goto(CONSOLE + '/');
    await page.waitForURL('**/sign-in');
    for (const person of ['alice', 'ivan', 'nora']) {
      expect(await page.getByLabel(person, { exact: false }).count() > 0, 'no sign-in for ' + person);
    }
    await shot('01-sign-in');
  });

  await step('alice (finance-ops) signs in and sees her queue', async () => {
    await signIn('alice');
    expect((await page.locator('header').textContent()).includes('alice'), 'the header does not name alice');
    expect((await page.locator('[data-tz]').textContent()) === 'Europe/Paris', 'times are not in the person\'s time zone');
  });

  const actionId = 'console-' + Date.now();
  await step('a fresh escalation appears in the queue without a reload', async () => {
    await page.evaluate(() => { window.__notReloaded = true; });
    const res = await fetch(GATEWAY + '/v1/actions', {
      method: 'POST',
      headers: { 'Authorization': 'Bearer ' + AGENT_TOKEN, 'Content-Type': 'application/json' },
      body: JSON.stringify({ actionId, actionType: 'refund.issue', description: 'Refund a damaged espresso machine',
        amount: 2400, currency: 'EUR', confidence: 0.93, parameters: { orderId: 'o-4711', customerTenureDays: 400 } }),
    });
    expect(res.status === 202, 'the gateway answered ' + res.status);
    const row = page.locator(`#queue-rows tr[data-action="${actionId}"]`);
    await row.waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => window.__notReloaded === true), 'the page was reloaded');
    await page.locator('#queue-live').filter({ hasText: 'new escalation' }).waitFor({ timeout: 5_000 });
    await shot('02-queue');
  });

  await step('the task shows the action, the rules that fired and the charter version in force (2)', async () => {
    await page.locator(`#queue-rows tr[data-action="${actionId}"] a`).click();
    await page.waitForURL('**/tasks/**');
    const body = await page.locator('main').textContent();
    for (const text of ['refund.issue by refund-bot', 'o-4711', 'refunds.limits.maxAmount', 'version 2', 'sha256:', 'ASSIGNED']) {
      expect(body.includes(text), 'the task page does not show ' + text);
    }
    expect(body.includes(actionId), 'this is not the escalation just raised');
    await shot('03-task');
  });

  await step('alice comments, and the comment is listed', async () => {
    await page.getByLabel('Add a comment').fill('Calling the customer before deciding');
    await page.getByRole('button', { name: 'Comment' }).click();
    await page.getByRole('status').filter({ hasText: 'Your comment was added.' }).waitFor();
    expect((await page.locator('ul.comments').textContent()).includes('Calling the customer before deciding'), 'the comment is not listed');
  });

  await step('a rejection without a reason is not sent', async () => {
    await page.getByRole('button', { name: 'Reject' }).click();
    // the required field stops the form in the browser; the server refuses it too
    expect(await page.getByLabel('Reason for rejecting (required)').evaluate(e => !e.validity.valid), 'an empty reason passed');
    expect((await page.locator('[data-status]').textContent()).startsWith('OPEN'), 'the escalation changed');
  });

  await step('alice approves it with a reason', async () => {
    await page.getByLabel('Reason for approving (optional)').fill('Customer verified by phone; machine arrived broken');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('status').filter({ hasText: 'You approved this escalation.' }).waitFor();
    expect((await page.locator('[data-status]').textContent()).startsWith('APPROVED'), 'not approved');
    expect((await page.locator('[data-approvals]').textContent()).includes('approved by alice'), 'the approver is not shown');
    await shot('04-task-approved');
  });

  await step('the agent receives the approval', async () => {
    let state;
    for (let i = 0; i < 60; i++) {
      const res = await fetch(GATEWAY + '/v1/actions/' + actionId + '?waitSeconds=5', { headers: { 'Authorization': 'Bearer ' + AGENT_TOKEN } });
      state = await res.json();
      if (state.status === 'APPROVED') break;
    }
    expect(state.status === 'APPROVED', 'the agent sees ' + JSON.stringify(state));
    expect(JSON.stringify(state).includes('alice'), 'the approval does not name alice: ' + JSON.stringify(state));
    expect(state.mayProceed === true, 'the agent may not proceed');
  });

  const taskUrl = page.url().split("?")[0];
  await step('alice finds her decision in the ledger, and the page verifies its proof', async () => {
    await page.getByRole('link', { name: 'Ledger' }).click();
    expect(await page.locator('[data-scope]').count() === 1, 'alice is not told she sees her own entries');
    await page.getByLabel('Action id').fill(actionId);
    const mine = page.locator('table.ledger tbody tr', { hasText: 'ESCALATION_RESOLVED' });
    for (let i = 0; i < 30 && await mine.count() === 0; i++) {
      await page.getByRole('button', { name: 'Search' }).click(); // the ledger seals asynchronously: search again
      if (await mine.count() === 0) await page.waitForTimeout(1000);
    }
    expect(await mine.count() === 1, 'alice does not find her decision');
    expect((await mine.textContent()).includes('finance-ops (alice)'), 'the entry does not name alice');
    expect(await page.locator('table.ledger tbody tr', { hasText: 'ACTION_DECIDED' }).count() === 0, 'alice sees entries that do not name her');
    await shot('06-ledger');
    await mine.getByRole('link').click();
    await page.waitForFunction(() => document.getElementById('proof-verdict')?.dataset.result, null, { timeout: 20_000 });
    for (let i = 0; i < 30 && await page.locator('#proof-verdict').getAttribute('data-result') === 'uncovered'; i++) {
      await page.waitForTimeout(1000); // the ledger signs a checkpoint every few seconds: look again
      await page.reload();
      await page.waitForFunction(() => document.getElementById('proof-verdict')?.dataset.result, null, { timeout: 20_000 });
    }
    const verdict = await page.locator('#proof-verdict').textContent();
    expect(await page.locator('#proof-verdict').getAttribute('data-result') === 'verified', 'proof: ' + verdict);
    expect((await page.locator('[data-accountable]').textContent()).includes('alice'), 'the entry does not name alice');
    await shot('07-ledger-entry-verified');
  });

  await step('nora (no role) has nothing to act on', async () => {
    await signOut();
    await signIn('nora');
    await page.locator('#queue-rows .empty').waitFor();
    await shot('05-queue-no-role');
    await page.goto(taskUrl);
    expect(await page.getByRole('button', { name: 'Approve' }).count() === 0, 'nora is offered Approve');
    expect((await page.locator('main').textContent()).includes('is yours to see'), 'nora sees the escalation');
  });

  await step('ivan (auditor) sees the whole action in the ledger', async () => {
    await signOut();
    await signIn('ivan');
    await page.goto(CONSOLE + '/ledger?actionId=' + encodeURIComponent(actionId));
    const rows = page.locator('table.ledger tbody tr');
    for (const fact of ['ACTION_DECIDED', 'ESCALATION_ASSIGNED', 'ESCALATION_RESOLVED']) {
      expect(await rows.filter({ hasText: fact }).count() > 0, 'the auditor does not see ' + fact);
    }
    expect((await rows.filter({ hasText: 'ESCALATION_RESOLVED' }).textContent()).includes('finance-ops (alice)'), 'not naming alice');
  });

  await step('anchors and charter pages', async () => {
    await page.goto(CONSOLE + '/anchors');
    expect((await page.locator('tr[data-anchor="finance-ops"] [data-on-call]').textContent()).match(/alice|bob/), 'no one on call for finance-ops');
    await shot('08-anchors');
    await page.goto(CONSOLE + '/charter');
    expect((await page.locator('[data-in-force-digest]').textContent()).startsWith('sha256:'), 'no digest in force');
    expect((await page.locator('main').textContent()).includes('acme-retail version 2'), 'version 2 is not shown in force');
    const diff = await page.locator('pre.diff').textContent();
    expect(diff.includes('- version: 1') && diff.includes('+ version: 2'), 'the difference does not show the version change: ' + diff);
    expect(diff.includes('maxAmount: 500') && diff.includes('maxAmount: 400'), 'the difference does not show the new limit');
    const report = await page.locator('table.replay').textContent();
    expect(report.includes('refunds'), 'the replay report has no refunds row');
    expect((await page.locator('main').textContent()).includes('version 3'), 'the replayed candidate is not named');
    expect((await page.locator('main').textContent()).includes('recorded since'), 'the replay\'s window (--since) is not shown');
    await shot('09-charter');
  });

  await step('readable at 200% zoom: no horizontal scrolling of the page', async () => {
    await page.setViewportSize({ width: 640, height: 800 }); // 1280 px at 200%
    await page.goto(CONSOLE + '/queue');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow <= 1, 'the page scrolls sideways by ' + overflow + ' px');
    await shot('10-queue-200-percent');
  });

  writeFileSync(file('action-id.txt'), actionId);
});
