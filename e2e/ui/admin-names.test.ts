/**
 * The admin page in a real browser under the names it may and may not be
 * reached by: a DNS rebinding attack (a foreign name that resolves to
 * 127.0.0.1) gets a refusal, not the app; localhost works like 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openPage, screenshot } from '../fixtures/browser.js';
import { freePort } from '../fixtures/ports.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';

test('a foreign name resolving to the loopback address gets a refusal, not the admin page', async (t) => {
  const relay = await startRelayDesk(t);
  const port = new URL(relay.baseUrl).port;
  // What a rebinding attacker arranges with DNS, arranged with Chromium's own resolver rules.
  const page = await openPage(t, { args: ['--host-resolver-rules=MAP rebind.example 127.0.0.1'] });
  const response = await page.goto(`http://rebind.example:${port}/#token=${relay.token}`);
  assert.equal(response?.status(), 403);
  await page.getByText(`Open Relay Desk as http://127.0.0.1:${port}/ or http://localhost:${port}/`).waitFor();
  assert.equal(await page.locator('#root').count(), 0, 'no app page was served');
  await screenshot(page, 'admin-names-rebinding-refused');
});

test('the admin page opened as localhost works: its calls and event stream pass the origin check', async (t) => {
  const relay = await startRelayDesk(t);
  const page = await openPage(t);
  await page.goto(relay.adminUrl.replace('127.0.0.1', 'localhost'));
  await page.getByLabel('relay status').getByText(`Listening on ${relay.smtpPort}`).waitFor();
  // A change made elsewhere reaches the page through its event stream.
  const port = await freePort();
  assert.equal((await relay.call('server.setListener', { port, encryption: 'starttls' })).status, 200);
  await page.getByRole('table', { name: 'listening ports' }).getByRole('cell', { name: String(port), exact: true }).waitFor();
  await screenshot(page, 'admin-names-localhost');
});
