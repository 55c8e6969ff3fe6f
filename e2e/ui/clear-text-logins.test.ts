/**
 * Logins without TLS in a real browser: a new port requires TLS before login
 * unless the admin unticks it for an old device, and such a port is flagged
 * on the Server screen, the Status screen and in the settings a mail client
 * is given, until the admin requires TLS again.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright';
import { ok } from '../fixtures/api.js';
import { openPage, screenshot, settled } from '../fixtures/browser.js';
import { freePort } from '../fixtures/ports.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';
import { swaks } from '../fixtures/smtp-clients.js';

const warningFor = (page: Page, port: number) => page.getByLabel(`warning for port ${port}`);

test('an admin allows logins without TLS on one port for an old scanner; every screen that shows the port warns, until TLS is required again', async (t) => {
  const relay = await startRelayDesk(t);
  const created = await ok(relay, 'users.create', { note: 'Old scanner' });
  const page = await openPage(t);
  await page.goto(relay.adminUrl);
  await page.getByRole('tab', { name: 'Server' }).click();
  await page.getByRole('heading', { name: 'Listening ports' }).waitFor();
  assert.equal(await page.getByRole('checkbox', { name: `Require TLS before login on port ${relay.smtpPort}` }).isChecked(), true, 'the first port requires TLS');

  const form = page.getByRole('form', { name: 'Add a port' });
  const requireTls = form.getByRole('checkbox', { name: 'Require TLS before login' });
  assert.equal(await requireTls.isChecked(), true, 'a new port requires TLS before login unless the admin says otherwise');
  await requireTls.uncheck();
  await form.getByText('Logins without TLS: passwords cross the network readable.').waitFor();
  const port = await freePort();
  await form.getByLabel('Port', { exact: true }).fill(String(port));
  await form.getByRole('button', { name: 'Add port' }).click();
  await warningFor(page, port).getByText(`Port ${port} allows logins without TLS: passwords cross the network readable.`).waitFor();
  assert.equal(await warningFor(page, relay.smtpPort).count(), 0);
  await page.getByRole('row').filter({ hasText: String(port) }).getByText('Listening', { exact: true }).waitFor();
  await settled(page);
  await screenshot(page, 'clear-text-server');

  // The old scanner really logs in without TLS there.
  const scanner = await swaks(port, ['--quit-after', 'AUTH', '--auth', 'PLAIN', '--auth-user', created.user.name, '--auth-password', created.password]);
  assert.match(scanner.output, /235 /);

  await page.getByRole('tab', { name: 'Status' }).click();
  await warningFor(page, port).waitFor();
  assert.equal(await warningFor(page, relay.smtpPort).count(), 0);
  await screenshot(page, 'clear-text-status');

  await page.getByRole('tab', { name: 'Users' }).click();
  const connection = page.getByRole('region', { name: 'Outgoing mail server settings' });
  await connection.getByText('Logins without TLS allowed: passwords cross the network readable.').waitFor();
  assert.equal(await connection.getByText('passwords cross the network readable').count(), 1, 'only the port that allows it');
  await screenshot(page, 'clear-text-connection-settings');

  await page.getByRole('tab', { name: 'Server' }).click();
  // Saved on the click; the row shows the stored setting once the host has it.
  await page.getByRole('checkbox', { name: `Require TLS before login on port ${port}` }).click();
  await warningFor(page, port).waitFor({ state: 'detached' });
  assert.equal(await page.getByRole('checkbox', { name: `Require TLS before login on port ${port}` }).isChecked(), true);
  await page.getByRole('tab', { name: 'Status' }).click();
  await page.getByRole('table', { name: 'listening ports' }).waitFor();
  assert.equal(await page.getByText('passwords cross the network readable').count(), 0);
});
