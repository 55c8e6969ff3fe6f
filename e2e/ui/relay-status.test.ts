/**
 * The admin page in a real browser (Debian's Chromium) against a real host
 * and relay: it shows the relay listening, keeps up with changes live, and
 * tells a user who lost the token what to do.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openPage, screenshot } from '../fixtures/browser.js';
import { cliOk } from '../fixtures/cli.js';
import { takenPort } from '../fixtures/ports.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';

test('the admin page shows the relay listening on its port', async (t) => {
  const relay = await startRelayDesk(t);
  const page = await openPage(t);
  await page.goto(relay.adminUrl);
  const status = page.getByLabel('relay status');
  await status.getByText(`Listening on ${relay.smtpPort}`).waitFor();
  const row = page.getByRole('table', { name: 'listening ports' }).getByRole('row').nth(1);
  assert.equal(await row.getByRole('cell').nth(0).textContent(), String(relay.smtpPort));
  assert.equal(await row.getByRole('cell').nth(1).textContent(), '0.0.0.0');
  assert.equal(await row.getByRole('cell').nth(3).textContent(), 'Listening');
  assert.equal(new URL(page.url()).hash, '', 'the token is taken out of the address bar');
  await screenshot(page, 'relay-status-listening');
});

test('the page follows the relay live: a crash shows as restarting, then listening again', async (t) => {
  const relay = await startRelayDesk(t);
  const page = await openPage(t, { colorScheme: 'dark' });
  await page.goto(relay.adminUrl);
  await page.getByLabel('relay status').getByText(`Listening on ${relay.smtpPort}`).waitFor();
  const pid = await relay.relayPid();
  assert.ok(pid);
  process.kill(pid, 'SIGKILL');
  await page.getByText(/The relay process was stopped by signal SIGKILL; restarting/).waitFor();
  await screenshot(page, 'relay-status-restarting-dark');
  await page.getByLabel('relay status').getByText(`Listening on ${relay.smtpPort}`).waitFor();
  assert.equal(await page.getByText(/restarting/).count(), 0);
});

test('opening the page without the token explains where to find it', async (t) => {
  const relay = await startRelayDesk(t);
  const page = await openPage(t);
  await page.goto(relay.baseUrl);
  await page.getByText(/Open the full address that `relay-desk serve` printed/).waitFor();
  await screenshot(page, 'relay-status-no-token');
});

test('a tab that asked for the token signs in when the link from `relay-desk admin-url` is opened in it, without a reload', async (t) => {
  const relay = await startRelayDesk(t);
  const page = await openPage(t);
  await page.goto(relay.baseUrl);
  await page.getByText('run `relay-desk admin-url` on this computer', { exact: false }).waitFor();
  // What the page says to run, run; its link opened in the same tab, as pasted into the address bar.
  const link = (await cliOk(['admin-url', '--data-dir', relay.dataDir])).trim();
  assert.match(link, /#token=/);
  await page.evaluate(() => Object.assign(window, { stillTheSamePage: true }));
  await page.goto(link);
  await page.getByLabel('relay status').getByText(`Listening on ${relay.smtpPort}`).waitFor();
  assert.equal(await page.evaluate(() => 'stillTheSamePage' in window), true, 'signed in without a reload');
  assert.equal(await page.getByText('This page needs the admin token').count(), 0);
  assert.equal(new URL(page.url()).hash, '', 'the token is taken out of the address bar');
  await screenshot(page, 'relay-status-signed-in-by-link');
});

test('a port another program holds is named on every screen, with what to do', async (t) => {
  const port = await takenPort(t);
  const relay = await startRelayDesk(t, { smtpPort: port });
  const page = await openPage(t);
  await page.goto(relay.adminUrl);
  await page.getByLabel('relay status').getByText(`Port ${port} unavailable`).waitFor();
  await page.getByRole('tab', { name: 'Users' }).click();
  const problems = page.getByRole('region', { name: 'relay problems' });
  await problems
    .getByText(`Port ${port} is already used by another program. Stop that program or choose another port. Ports are set on the Server screen.`)
    .waitFor();
  await screenshot(page, 'relay-status-port-in-use');
});
