/**
 * The Status screen says where the key of the passwords and private keys is
 * kept: on a machine with no keychain, the key file and the notice the host
 * printed at start, with the command that moves the key to a keychain; with
 * a keychain, just that.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openPage, screenshot, settled } from '../fixtures/browser.js';
import { requireKeyringSession, withoutKeychain } from '../fixtures/keyring.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';
import { tempDir } from '../fixtures/temp.js';

test('on a machine with no keychain the Status screen shows the key file notice, with the command that moves the key', async (t) => {
  const relay = await startRelayDesk(t, { env: withoutKeychain(await tempDir(t, 'runtime')) });
  const printed = relay.proc.lines.find((l) => l.startsWith('Relay Desk keeps the key'));
  assert.ok(printed);
  for (const colorScheme of ['light', 'dark'] as const) {
    const page = await openPage(t, { colorScheme });
    await page.goto(relay.adminUrl);
    const section = page.getByRole('region', { name: 'Passwords and keys' });
    const notice = section.getByRole('alert', { name: 'key file notice' });
    await notice.waitFor();
    assert.equal(await notice.textContent(), printed.replace(/`/g, ''), 'the same words as at start');
    assert.equal(await notice.locator('code').textContent(), `relay-desk secrets migrate --to keychain --data-dir ${relay.dataDir}`);
    await notice.getByText(`the key file ${relay.dataDir}/vault.key`).waitFor();
    await settled(page);
    await screenshot(page, `status-key-file-${colorScheme}`);
  }
});

test('with a keychain the Status screen says the key is there, and shows no key file notice', async (t) => {
  requireKeyringSession();
  const relay = await startRelayDesk(t);
  const page = await openPage(t);
  await page.goto(relay.adminUrl);
  const section = page.getByRole('region', { name: 'Passwords and keys' });
  await section.getByText("Encrypted with a key kept in this user's OS keychain.").waitFor();
  assert.equal(await section.getByRole('alert').count(), 0);
  await screenshot(page, 'status-keychain');
});

test('the Status screen names the logs folder; in a browser there is no folder to open, only the path to copy', async (t) => {
  const relay = await startRelayDesk(t);
  const page = await openPage(t);
  await page.goto(relay.adminUrl);
  const section = page.getByRole('region', { name: 'Logs' });
  await section.locator('code').getByText(`${relay.dataDir}/logs`, { exact: true }).waitFor();
  await section.getByRole('button', { name: 'Copy the logs folder' }).waitFor();
  assert.equal(await section.getByRole('button', { name: 'Open log folder' }).count(), 0);
  await settled(page);
  await screenshot(page, 'status-logs');
});
