/**
 * The smarthost's OAuth 2.0 login on the Server screen, in Chromium against
 * the real host and relay, a real authorization server (oidc-provider) and an
 * SMTP server that checks every token there (aiosmtpd): the form filled in
 * for "Other provider"; the device sign-in, its code read off the screen and
 * entered by a "user" on the provider's verification page in a second
 * browser; the grant revoked, so the next message's renewal fails and the
 * screen and the app bar say "sign in again" with the provider's words;
 * sign-out confirmed; the app-only sign-in with a client secret. Screenshots
 * of the form, the signed-in and the sign-in-again states; axe on each.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright';
import { openPage, screenshot, settled } from '../fixtures/browser.js';
import { startDns } from '../fixtures/dns.js';
import { approveDeviceSignIn, OAUTH_APP_CLIENT, OAUTH_PUBLIC_CLIENT, OAUTH_SMTP_SCOPE, startOAuthServer } from '../fixtures/oauth-server.js';
import { startRelayDesk, type RelayDesk } from '../fixtures/relay-desk.js';
import { senderUser } from '../fixtures/scenario.js';
import { swaks } from '../fixtures/smtp-clients.js';
import { testCertificate } from '../fixtures/tls.js';
import { startUpstream } from '../fixtures/upstream.js';

const MAILBOX = 'relay@office.example';

async function axeClean(page: Page, state: string): Promise<void> {
  await settled(page);
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  assert.deepEqual(serious, [], `axe on ${state}`);
}

async function send(relay: RelayDesk, login: { user: string; password: string }, subject: string): Promise<void> {
  const sent = await swaks(relay.smtpPort, [
    ...['--from', 'clerk@office.example', '--to', 'boss@example.org', '--header', 'From: clerk@office.example', '--header', `Subject: ${subject}`],
    ...['--tls', '--auth', 'PLAIN', '--auth-user', login.user, '--auth-password', login.password],
  ]);
  assert.match(sent.output, /queued as/);
}

/** Picks an option of a MUI select by the field's label. */
async function choose(page: Page, field: string, option: string): Promise<void> {
  await page.getByRole('combobox', { name: field }).click();
  await page.getByRole('option', { name: option }).click();
  await page.getByRole('listbox').waitFor({ state: 'detached' });
}

test('the Server screen signs the smarthost in with OAuth 2.0: device code, sign in again after a revoked grant, sign-out, app-only', async (t) => {
  const dns = await startDns(t);
  const server = await startOAuthServer(t);
  const upstream = await startUpstream(t, {
    tls: await testCertificate(),
    oauth: server.smtpTokenCheck,
  });
  const relay = await startRelayDesk(t, { dns });
  const login = await senderUser(relay, dns, 'office.example');

  const page = await openPage(t, { viewport: { width: 1280, height: 1000 } });
  await page.goto(relay.adminUrl);
  await page.getByRole('tab', { name: 'Server' }).click();
  await page.getByRole('radio', { name: /^OAuth 2\.0/ }).check();
  const form = page.getByRole('form', { name: 'OAuth settings' });
  const flows = form.getByRole('radiogroup', { name: "How the relay's mailbox signs in" });

  // Microsoft 365 offers the three ways; Google only the browser, and says why.
  assert.equal(await flows.getByRole('radio').count(), 3);
  await choose(page, 'Provider', 'Google (Gmail, Google Workspace)');
  assert.equal(await flows.getByRole('radio').count(), 1);
  await form.getByText(/does not allow the Gmail scope/).waitFor();

  await choose(page, 'Provider', 'Other provider');
  await flows.getByRole('radio', { name: /With a code, on another device/ }).check();
  await form.getByLabel('Client id', { exact: true }).fill(OAUTH_PUBLIC_CLIENT);
  await form.getByLabel('Mailbox the relay sends as', { exact: true }).fill(MAILBOX);
  await form.getByRole('textbox', { name: 'SMTP server' }).fill(upstream.host);
  await form.getByLabel('Port', { exact: true }).fill(String(upstream.port));
  // The test SMTP server's certificate is self-signed.
  await form.getByRole('checkbox', { name: /Check the SMTP server's certificate/ }).uncheck();
  await form.getByLabel('Authorization endpoint', { exact: true }).fill(server.endpoints.authorization);
  await form.getByLabel('Token endpoint', { exact: true }).fill(server.endpoints.token);
  await form.getByLabel('Scope', { exact: true }).fill(`openid email offline_access ${OAUTH_SMTP_SCOPE}`);

  // The device sign-in without its endpoint: said at that field, nothing saved.
  await form.getByRole('button', { name: 'Save OAuth settings' }).click();
  await form.getByText('The sign-in with a code needs the device authorization endpoint.').waitFor();
  await form.getByLabel('Device authorization endpoint', { exact: true }).fill(server.endpoints.device);
  await axeClean(page, 'the OAuth form');
  await screenshot(page, 'oauth-form');

  await form.getByRole('button', { name: 'Save OAuth settings' }).click();
  const state = page.getByRole('status', { name: 'sign-in state' });
  await state.getByText('Not signed in').waitFor();
  await page.getByRole('status', { name: 'current upstream' }).getByText(`signed in with OAuth 2.0 as ${MAILBOX}`).waitFor();

  // The device code is read off the screen and entered by the mailbox's owner on the provider's page, in another browser.
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  const codeBox = page.getByRole('region', { name: 'sign-in code' });
  const code = (await codeBox.getByLabel('code to enter').textContent()) ?? assert.fail('no code shown');
  const verification = (await codeBox.getByRole('link').getAttribute('href')) ?? assert.fail('no verification link');
  assert.ok(verification.startsWith(server.issuer), verification);
  await approveDeviceSignIn(t, verification, code, MAILBOX);
  await state.getByText(`Signed in as ${MAILBOX}`).waitFor();
  await state.getByText(/The token is valid until/).waitFor();
  assert.equal(await codeBox.count(), 0, 'the code is gone once the sign-in is done');

  // The verified domain is not the mailbox: the provider's Send As rule is explained.
  await page.getByRole('note', { name: 'sending as other addresses' }).getByText(/addresses at office\.example/).waitFor();
  await axeClean(page, 'signed in');
  await screenshot(page, 'oauth-signed-in');

  await send(relay, login, 'Before');
  await upstream.waitForMessages(1);

  // The grant is revoked at the provider: the next message's renewal fails and the admin is asked to sign in again.
  await server.revokeAll();
  await upstream.closeSessions();
  await send(relay, login, 'Waiting');
  await state.getByText('Sign in again').waitFor();
  await state.getByText(/invalid_grant/).waitFor();
  const chip = page.getByRole('button', { name: /^Upstream: sign in again/ });
  await chip.waitFor();
  await axeClean(page, 'sign in again');
  await screenshot(page, 'oauth-sign-in-again');

  // The chip opens the Server screen from anywhere.
  await page.getByRole('tab', { name: 'Status' }).click();
  await chip.click();
  await state.getByText('Sign in again').waitFor();

  await page.getByRole('button', { name: 'Sign out' }).click();
  const dialog = page.getByRole('dialog', { name: 'Sign out of the provider?' });
  await dialog.getByText(/Mail will wait in the queue until someone signs in again/).waitFor();
  await dialog.getByRole('button', { name: 'Sign out' }).click();
  await state.getByText('Not signed in').waitFor();
  await chip.waitFor({ state: 'detached' });

  // App-only with the app registration's client secret: signed in as soon as it is saved.
  await flows.getByRole('radio', { name: /App-only/ }).check();
  await form.getByLabel('Client id', { exact: true }).fill(OAUTH_APP_CLIENT);
  await form.getByLabel('Scope', { exact: true }).fill(OAUTH_SMTP_SCOPE);
  await form.getByRole('button', { name: 'Save OAuth settings' }).click();
  await form.getByText("Enter the app registration's client secret.").waitFor();
  await form.getByLabel('Client secret', { exact: true }).fill(server.appSecret);
  await form.getByRole('button', { name: 'Save OAuth settings' }).click();
  await state.getByText(`Signed in as ${MAILBOX}`).waitFor();
  await form.getByText(/Leave empty to keep the one stored/).waitFor();
  assert.equal(await form.getByLabel('Client secret', { exact: true }).inputValue(), '', 'the secret leaves the page once the host keeps it');
  assert.ok(!(await page.content()).includes(server.appSecret), 'no secret in the page');
  // The message held while the sign-in had ended goes with the app's token.
  await upstream.waitForMessages(2);

  // Signing out forgets the app's secret too: the form no longer says one is kept.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await dialog.getByRole('button', { name: 'Sign out' }).click();
  await state.getByText('Not signed in').waitFor();
  await form.getByText(/Leave empty to keep the one stored/).waitFor({ state: 'detached' });
});
