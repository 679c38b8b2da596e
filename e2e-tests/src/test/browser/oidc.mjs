// Sign-in through a real identity provider (Keycloak, OpenID Connect authorization code flow):
// the person signs in on the IdP's page, comes back signed in with the roles of their token's
// groups, and decides an escalation; the services accept the IdP's token, not a console's.
// Someone without the role sees nothing to act on. Conventions: see harness.mjs.
//
// env: CONSOLE_URL, ACTION_ID (an escalated action for finance-ops), SCREENSHOTS, CHROMIUM (optional)
import { env, expect, session } from './harness.mjs';

const CONSOLE = env('CONSOLE_URL');
const ACTION_ID = env('ACTION_ID');

let page;
const { step, shot, run } = session('oidc', () => page);

async function signInAt(idpUser, password) {
  await page.goto(CONSOLE + '/sign-in');
  await page.getByRole('link', { name: "Sign in with your organization's account" }).click();
  await page.locator('#username').waitFor({ timeout: 30_000 });
  expect(!page.url().startsWith(CONSOLE), 'not sent to the identity provider: ' + page.url());
  await page.locator('#username').fill(idpUser);
  await page.locator('#password').fill(password);
  await shot('oidc-01-identity-provider-' + idpUser);
  await page.locator('#kc-login').click();
  await page.waitForURL(CONSOLE + '/queue', { timeout: 30_000 });
}

await run(async (browser) => {
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });

  await step('alice signs in at the identity provider and comes back with her anchor role', async () => {
    await signInAt('alice', 'alice-test-only');
    const header = await page.locator('header').textContent();
    expect(header.includes('alice'), 'the header does not name alice: ' + header);
    expect(header.includes('finance-ops'), 'the token\'s groups did not bring the role: ' + header);
  });

  await step('the escalation for her anchor is in her queue', async () => {
    await page.locator(`#queue-rows tr[data-action="${ACTION_ID}"]`).waitFor({ timeout: 30_000 });
    await shot('oidc-02-queue');
  });

  await step('she approves it; the escalation service accepted the identity provider\'s token', async () => {
    await page.locator(`#queue-rows tr[data-action="${ACTION_ID}"] a`).click();
    await page.getByLabel('Reason for approving (optional)').fill('Checked with the customer (signed in through the IdP)');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('status').filter({ hasText: 'You approved this escalation.' }).waitFor();
    expect((await page.locator('[data-approvals]').textContent()).includes('approved by alice'), 'the approver is not alice');
  });

  const taskUrl = page.url();
  await step('signing out ends the session at the identity provider too', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in(\?.*)?$/, { timeout: 30_000 });
    expect(await page.getByRole('button', { name: 'Sign out' }).count() === 0, 'still signed in');
    await page.goto(taskUrl);
    await page.waitForURL(/\/sign-in(\?.*)?$/);
  });

  await step('nora (no role) signs in and has nothing to act on', async () => {
    await signInAt('nora', 'nora-test-only');
    await page.locator('#queue-rows .empty').waitFor();
    await page.goto(taskUrl);
    expect(await page.getByRole('button', { name: 'Approve' }).count() === 0, 'nora is offered Approve');
    await shot('oidc-03-no-role');
  });
});
