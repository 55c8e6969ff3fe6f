/**
 * The Server screen in a real browser against a real host and relay: ports
 * the relay really opens (or cannot, in plain words), the certificate made,
 * replaced and imported, the smarthost tested against a real aiosmtpd, and
 * the limits the relay then announces.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright';
import { ok } from '../fixtures/api.js';
import { openPage, screenshot, settled } from '../fixtures/browser.js';
import { freePort, takenPort } from '../fixtures/ports.js';
import { rawSmtp } from '../fixtures/raw-smtp.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';
import { testCertificate } from '../fixtures/tls.js';
import { startUpstream } from '../fixtures/upstream.js';

async function openServer(page: Page, adminUrl: string): Promise<void> {
  await page.goto(adminUrl);
  await page.getByRole('tab', { name: 'Server' }).click();
  await page.getByRole('heading', { name: 'Listening ports' }).waitFor();
}

function portRow(page: Page, port: number) {
  return page
    .getByRole('table', { name: 'configured ports' })
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: String(port), exact: true }) });
}

test('an admin adds a port, is told why a port is refused or busy, and removes a port', async (t) => {
  const relay = await startRelayDesk(t);
  const page = await openPage(t);
  await openServer(page, relay.adminUrl);
  await portRow(page, relay.smtpPort).getByText('Listening', { exact: true }).waitFor();
  await page.getByText('80 and 1025–5000').waitFor();
  await settled(page);
  await screenshot(page, 'server-listeners');

  // A new port with STARTTLS required: listed as listening, and the relay really answers there.
  const form = page.getByRole('form', { name: 'Add a port' });
  const portField = form.getByLabel('Port', { exact: true });
  const added = await freePort();
  await portField.fill(String(added));
  await form.getByRole('combobox', { name: 'Encryption' }).click();
  await page.getByRole('option', { name: 'STARTTLS required' }).click();
  await form.getByRole('button', { name: 'Add port' }).click();
  const row = portRow(page, added);
  await row.getByText('Listening', { exact: true }).waitFor();
  assert.equal(await row.getByRole('combobox', { name: `Encryption on port ${added}` }).textContent(), 'STARTTLS required');
  assert.equal(await portField.inputValue(), '', 'the form is ready for the next port');
  const smtp = await rawSmtp(added);
  t.after(() => smtp.close());
  assert.equal((await smtp.reply()).code, 220);
  assert.match((await smtp.command('EHLO ui-test.example')).text, /STARTTLS/);
  assert.equal((await smtp.command('MAIL FROM:<someone@office.example>')).code, 530, 'nothing before STARTTLS');
  await settled(page);
  await screenshot(page, 'server-port-added');

  // A port already in the list: said beside the field, the number kept, the port's settings untouched.
  await portField.fill(String(relay.smtpPort));
  await form.getByRole('combobox', { name: 'Encryption' }).click();
  await page.getByRole('option', { name: 'None' }).click();
  await form.getByRole('button', { name: 'Add port' }).click();
  await form.getByText(`Port ${relay.smtpPort} is already set up: change its encryption in its row above.`).waitFor();
  assert.equal(await portField.getAttribute('aria-invalid'), 'true');
  assert.equal(await portField.inputValue(), String(relay.smtpPort));
  assert.equal((await ok(relay, 'server.get', {})).listeners.find((l) => l.port === relay.smtpPort)?.encryption, 'starttls');
  assert.equal(await portRow(page, relay.smtpPort).getByRole('combobox', { name: `Encryption on port ${relay.smtpPort}` }).textContent(), 'STARTTLS offered');
  await settled(page);
  await screenshot(page, 'server-port-exists');

  // A port outside the allowed set: the host's reason beside the field, the number kept.
  await portField.fill('6000');
  await form.getByRole('button', { name: 'Add port' }).click();
  await form.getByText('Port 6000 cannot be used. The relay listens on 25, 80, 465, 587, or any port from 1025 to 5000.').waitFor();
  assert.equal(await portField.getAttribute('aria-invalid'), 'true');
  assert.equal(await portField.inputValue(), '6000');
  await settled(page);
  await screenshot(page, 'server-port-not-allowed');

  // A port another program holds: saved, and its bind error shown beside it in plain words.
  const busy = await takenPort(t);
  await portField.fill(String(busy));
  await form.getByRole('button', { name: 'Add port' }).click();
  await portRow(page, busy).getByText(`Port ${busy} is already used by another program. Stop that program or choose another port.`).waitFor();
  await page.getByLabel('relay status').getByText(`Port ${busy} unavailable`).waitFor();
  await settled(page);
  await screenshot(page, 'server-port-in-use');

  // Removing asks first, then the port is gone; one that never opened cannot have had clients sending through it.
  await portRow(page, busy).getByRole('button', { name: `Remove port ${busy}` }).click();
  const confirm = page.getByRole('dialog', { name: `Remove port ${busy}?` });
  await confirm.getByText('no mail client can have sent through it').waitFor();
  assert.equal(await confirm.getByText('can no longer send').count(), 0);
  await settled(page);
  await screenshot(page, 'server-remove-port-confirm');
  await confirm.getByRole('button', { name: 'Remove port' }).click();
  await confirm.waitFor({ state: 'detached' });
  await portRow(page, busy).waitFor({ state: 'detached' });
  await page.getByLabel('relay status').getByText(/^Listening on /).waitFor();
  const stored = await ok(relay, 'server.get', {});
  const expected = new Map<number, string>([
    [relay.smtpPort, 'starttls'],
    [added, 'starttls-required'],
  ]);
  assert.deepEqual(new Map(stored.listeners.map((l) => [l.port, l.encryption])), expected);
  await settled(page);
  await screenshot(page, 'server-port-removed');
});

test('an admin sees the certificate, makes a new one, and imports a PEM pair after a mismatched key', async (t) => {
  const relay = await startRelayDesk(t);
  const page = await openPage(t);
  await openServer(page, relay.adminUrl);
  const before = await ok(relay, 'server.get', {});
  assert.ok(before.tls);
  const fingerprint = page.getByTestId('certificate-fingerprint');
  await fingerprint.getByText(before.tls.fingerprint).waitFor();
  await page.getByTestId('certificate-source').getByText('Self-signed, made by Relay Desk').waitFor();
  await page.getByTestId('certificate-names').getByText(before.tls.names[0] ?? '', { exact: false }).waitFor();
  await page.getByTestId('certificate-expiry').getByText(/\(in \d+ days\)/).waitFor();
  // Offered as RSA and ECDSA: clients that support ECDSA see the second fingerprint.
  await page.getByTestId('certificate-algorithms').getByText('RSA-2048 and ECDSA P-256', { exact: true }).waitFor();
  await page.getByTestId('certificate-ecdsa-fingerprint').getByText(before.tls.ecdsaFingerprint ?? '?').waitFor();
  await settled(page);
  await screenshot(page, 'server-certificate');

  // Regenerate: asked first, then a new fingerprint.
  await page.getByRole('button', { name: 'Make a new self-signed certificate' }).click();
  const confirm = page.getByRole('dialog', { name: 'Replace the certificate?' });
  await confirm.getByText('see a new fingerprint').waitFor();
  await settled(page);
  await screenshot(page, 'server-regenerate-confirm');
  await confirm.getByRole('button', { name: 'Make a new certificate' }).click();
  await confirm.waitFor({ state: 'detached' });
  await fingerprint.filter({ hasNotText: before.tls.fingerprint }).waitFor();
  const regenerated = (await ok(relay, 'server.get', {})).tls;
  assert.ok(regenerated);
  assert.equal(await fingerprint.textContent(), regenerated.fingerprint);
  assert.equal(await page.getByTestId('certificate-ecdsa-fingerprint').textContent(), regenerated.ecdsaFingerprint);
  await page.getByText('A new self-signed certificate is in use.').waitFor();
  await settled(page);
  await screenshot(page, 'server-certificate-regenerated');

  // Import: a key from another pair is refused under the key field, and both texts stay.
  const mine = await testCertificate(['mail.office.example'], []);
  const other = await testCertificate(['other.example'], []);
  await page.getByRole('button', { name: 'Import a certificate…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import a certificate' });
  const certField = dialog.getByLabel('Certificate', { exact: true });
  const keyField = dialog.getByLabel('Private key', { exact: true });
  await certField.fill(mine.cert);
  await keyField.fill(other.key);
  await dialog.getByRole('button', { name: 'Import certificate' }).click();
  await dialog.getByText('The private key does not belong to this certificate; paste the key that was made together with it.').waitFor();
  assert.equal(await keyField.getAttribute('aria-invalid'), 'true');
  assert.equal(await certField.inputValue(), mine.cert);
  assert.equal(await keyField.inputValue(), other.key);
  assert.equal((await ok(relay, 'server.get', {})).tls?.fingerprint, regenerated.fingerprint, 'nothing changed');
  await settled(page);
  await screenshot(page, 'server-import-key-mismatch');

  // The right key, read from a file as an admin would pick it.
  await dialog.locator('input[type=file]').nth(1).setInputFiles({ name: 'key.pem', mimeType: 'text/plain', buffer: Buffer.from(mine.key) });
  await dialog.getByText('The private key does not belong').waitFor({ state: 'detached' });
  assert.equal(await keyField.inputValue(), mine.key);
  await dialog.getByRole('button', { name: 'Import certificate' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByText('Certificate imported, for mail.office.example.').waitFor();
  await page.getByTestId('certificate-source').getByText('Imported', { exact: true }).waitFor();
  await page.getByTestId('certificate-names').getByText('mail.office.example', { exact: true }).waitFor();
  // Served alone: no ECDSA twin beside an imported certificate.
  await page.getByTestId('certificate-algorithms').getByText('RSA-2048', { exact: true }).waitFor();
  assert.equal(await page.getByTestId('certificate-ecdsa-fingerprint').count(), 0);
  assert.equal((await ok(relay, 'server.get', {})).tls?.source, 'imported');
  await settled(page);
  await screenshot(page, 'server-certificate-imported');
});

test('an admin sets up a smarthost, tests it against the real server and a dead port, then switches to direct delivery', async (t) => {
  const auth = { user: 'office-relay', password: 'Upstream-Pa55' };
  const upstream = await startUpstream(t, { tls: await testCertificate(), auth });
  const relay = await startRelayDesk(t, { upstream });
  const page = await openPage(t);
  await openServer(page, relay.adminUrl);
  const form = page.getByRole('form', { name: 'Smarthost settings' });
  await page.getByText(`Mail is handed to the smarthost ${upstream.host}:${upstream.port}.`).waitFor();
  assert.equal(await form.getByLabel('Smarthost', { exact: true }).inputValue(), upstream.host);

  // STARTTLS with a login; the self-signed certificate is refused first, with what to do.
  await form.getByRole('combobox', { name: 'Security' }).click();
  await page.getByRole('option', { name: /^STARTTLS/ }).click();
  await form.getByLabel('User name').fill(auth.user);
  await form.getByLabel('Password', { exact: true }).fill(auth.password);
  await form.getByRole('button', { name: 'Test connection' }).click();
  const result = page.getByRole('status', { name: 'connection test result' });
  await result.getByText('The connection test failed').waitFor();
  await result.getByText(/self-signed certificate .*turn off certificate checking/).waitFor();
  // Tested as typed, not stored.
  await form.getByText('These settings were tested as typed and are not saved yet: press Save smarthost to use them.').waitFor();
  const before = await ok(relay, 'upstream.get', {});
  assert.equal(before.mode === 'smarthost' && before.user, null);
  await settled(page);
  await screenshot(page, 'server-upstream-test-untrusted');

  await form.getByLabel("Check the server's certificate").uncheck();
  await form.getByRole('button', { name: 'Test connection' }).click();
  await result.getByText('The smarthost answered').waitFor();
  await result.getByText(new RegExp(`logged in as ${auth.user} \\(235 .*\\)\\. The server greeted: 220 `)).waitFor();
  assert.deepEqual(await upstream.waitForAuth(), { user: auth.user, ok: true });
  await form.getByRole('button', { name: 'Save smarthost' }).click();
  await form.getByText('A password is stored (it is never shown).').waitFor();
  const saved = await ok(relay, 'upstream.get', {});
  assert.equal(saved.mode === 'smarthost' && saved.hasPassword && !saved.rejectUnauthorized && saved.security, 'starttls');
  await settled(page);
  await screenshot(page, 'server-upstream-test-ok');

  // A port where nothing listens: the failure and what to check.
  const dead = await freePort(30001, 40000);
  await form.getByLabel('Port', { exact: true }).fill(String(dead));
  await form.getByRole('button', { name: 'Test connection' }).click();
  await result.getByText(`Connection refused by ${upstream.host}:${dead}: nothing listens on that port there, or a firewall refuses the connection. Check the host and port.`).waitFor();
  await form.getByText('A password is stored (it is never shown).').waitFor();
  await settled(page);
  await screenshot(page, 'server-upstream-test-refused');

  // Another host: the stored password is not sent there; the form says to type it, beside the password.
  await form.getByLabel('Smarthost', { exact: true }).fill('localhost');
  await form.getByRole('button', { name: 'Test connection' }).click();
  await form.getByText('Type the password for localhost: the stored password was saved for 127.0.0.1 and is only ever sent there.').waitFor();
  assert.equal(await result.count(), 0, 'no connection was tried');
  await settled(page);
  await screenshot(page, 'server-upstream-password-needed');
  await form.getByLabel('Smarthost', { exact: true }).fill(upstream.host);

  // Direct delivery: chosen, saved, and the stored password is gone with the smarthost.
  await page.getByRole('radio', { name: "Direct delivery to the recipients' servers" }).check();
  await page.getByRole('form', { name: 'Direct delivery settings' }).getByRole('button', { name: 'Use direct delivery' }).click();
  await page.getByText("Mail is delivered directly to the recipients' mail servers, on port 25.").waitFor();
  assert.deepEqual(await ok(relay, 'upstream.get', {}), { mode: 'mx', port: 25 });
  await settled(page);
  await screenshot(page, 'server-upstream-direct');
});

test('an admin changes the message and per-address connection limits (dark mode); an invalid value is refused beside its field, and the relay applies the rest', async (t) => {
  const relay = await startRelayDesk(t);
  const page = await openPage(t, { colorScheme: 'dark' });
  await openServer(page, relay.adminUrl);
  const form = page.getByRole('form', { name: 'Limits' });
  const size = form.getByLabel('Largest message (MB)');
  const recipients = form.getByLabel('Recipients per message');
  const perAddress = form.getByRole('group', { name: 'Connections' }).getByLabel('At once from one address');
  const perMinute = form.getByLabel('Per minute from one address');
  assert.deepEqual(
    [await size.inputValue(), await recipients.inputValue(), await perAddress.inputValue(), await perMinute.inputValue()],
    ['25', '100', '50', '3000'],
  );

  // Invalid: the reason under each field, nothing saved, the typed values kept.
  await size.fill('500');
  await recipients.fill('0');
  await perMinute.fill('a lot');
  await form.getByRole('button', { name: 'Save limits' }).click();
  await form.getByText('Enter a size in MB from 0.01 to 200, such as 25.').waitFor();
  await form.getByText('Enter a whole number of recipients from 1 to 10,000.').waitFor();
  await form.getByText('Enter a whole number of connections a minute from 1 to 1,000,000.').waitFor();
  assert.equal(await size.getAttribute('aria-invalid'), 'true');
  assert.equal(await perMinute.getAttribute('aria-invalid'), 'true');
  assert.equal(await size.inputValue(), '500');
  assert.equal((await ok(relay, 'server.get', {})).limits.maxMessageBytes, 25 * 1024 * 1024);
  await settled(page);
  await screenshot(page, 'server-limits-invalid-dark');

  await size.fill('10');
  await recipients.fill('50');
  await perAddress.fill('3');
  await perMinute.fill('600');
  await form.getByRole('button', { name: 'Save limits' }).click();
  await form.getByRole('status').getByText('Saved').waitFor();
  const { limits } = await ok(relay, 'server.get', {});
  assert.deepEqual(
    [limits.maxMessageBytes, limits.maxRecipients, limits.maxConnectionsPerClient, limits.maxConnectionRatePerClient],
    [10 * 1024 * 1024, 50, 3, 600],
  );
  // The relay announces the new size to mail clients, and lets one address hold three connections, not four.
  const sessions = await Promise.all([1, 2, 3, 4].map(() => rawSmtp(relay.smtpPort)));
  t.after(() => sessions.forEach((smtp) => smtp.close()));
  const greetings = await Promise.all(sessions.map((smtp) => smtp.reply()));
  assert.deepEqual(greetings.map((g) => g.code).sort(), [220, 220, 220, 421]);
  const open = sessions.find((_, i) => greetings[i]?.code === 220);
  assert.ok(open);
  assert.match((await open.command('EHLO ui-test.example')).text, new RegExp(`SIZE ${10 * 1024 * 1024}`));
  await settled(page);
  await screenshot(page, 'server-limits-saved-dark');

  // Shown as saved after a reload.
  await openServer(page, relay.adminUrl);
  assert.equal(await page.getByLabel('Largest message (MB)').inputValue(), '10');
  assert.equal(await page.getByLabel('Recipients per message').inputValue(), '50');
  assert.equal(await page.getByLabel('At once from one address').inputValue(), '3');
  assert.equal(await page.getByLabel('Per minute from one address').inputValue(), '600');
});

for (const viewport of [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
]) {
  test(`the Server screen at ${viewport.width}×${viewport.height}: every smarthost Security choice whole, the certificate check only with TLS, a port that never opened removed without a warning`, async (t) => {
    const busy = await takenPort(t);
    const relay = await startRelayDesk(t);
    await ok(relay, 'server.setListener', { port: busy, encryption: 'starttls' });
    const page = await openPage(t, { viewport });
    await openServer(page, relay.adminUrl);
    await portRow(page, busy).getByText(`Port ${busy} is already used by another program.`, { exact: false }).waitFor();

    // The smarthost's Security: each choice shown whole; no certificate to check without TLS.
    const form = page.getByRole('form', { name: 'Smarthost settings' });
    const security = form.getByRole('combobox', { name: 'Security' });
    const certificateCheck = form.getByLabel("Check the server's certificate");
    for (const choice of ['TLS from the start (usually port 465)', 'None (only inside a trusted network)', 'STARTTLS (usually port 587)']) {
      await security.click();
      await page.getByRole('option', { name: choice }).click();
      await security.filter({ hasText: choice }).waitFor();
      assert.equal(await security.evaluate((e) => e.scrollWidth > e.clientWidth), false, `"${choice}" is cut off`);
      assert.equal(await certificateCheck.isVisible(), !choice.startsWith('None'), choice);
      if (choice.startsWith('None')) {
        await settled(page);
        await screenshot(page, `server-smarthost-security-none-${viewport.width}x${viewport.height}`);
      }
    }

    // A port that never opened: removing it warns of nothing; a listening one still warns.
    await portRow(page, busy).getByRole('button', { name: `Remove port ${busy}` }).click();
    const confirm = page.getByRole('dialog', { name: `Remove port ${busy}?` });
    await confirm.getByText(`The relay could not open port ${busy}, so no mail client can have sent through it: removing it only takes it off this list.`).waitFor();
    assert.equal(await confirm.getByText('can no longer send').count(), 0);
    await settled(page);
    await screenshot(page, `server-remove-port-never-opened-${viewport.width}x${viewport.height}`);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    await portRow(page, relay.smtpPort).getByRole('button', { name: `Remove port ${relay.smtpPort}` }).click();
    const confirmListening = page.getByRole('dialog', { name: `Remove port ${relay.smtpPort}?` });
    await confirmListening.getByText('can no longer send', { exact: false }).waitFor();
    await settled(page);
    await screenshot(page, `server-remove-port-listening-${viewport.width}x${viewport.height}`);
  });
}
