/**
 * The Status screen with the smarthost down, in a real browser against a real
 * host and relay: mail sent with swaks waits, the screen names the upstream,
 * the last error (connection refused, then the server's own answer) and the
 * next attempt, and the app bar's chip says delivery is failing; once the
 * smarthost (aiosmtpd) takes mail again, "Retry now" sends it and the chip
 * turns back.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright';
import { ok } from '../fixtures/api.js';
import { openPage, screenshot, settled } from '../fixtures/browser.js';
import { startDns } from '../fixtures/dns.js';
import { freePort } from '../fixtures/ports.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';
import { senderUser } from '../fixtures/scenario.js';
import { swaks } from '../fixtures/smtp-clients.js';
import { startUpstream } from '../fixtures/upstream.js';

const pad = (n: number) => String(n).padStart(2, '0');
/** A time of today as the Status screen shows it (the browser and this process share the machine's time zone). */
const clock = (iso: string) => {
  const d = new Date(iso);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
};

/** Screenshots at a laptop's and a desktop's size. */
async function screenshots(page: Page, name: string): Promise<void> {
  for (const viewport of [
    { width: 1366, height: 768 },
    { width: 1920, height: 1080 },
  ]) {
    await page.setViewportSize(viewport);
    await settled(page);
    await screenshot(page, `${name}-${viewport.width}x${viewport.height}`);
  }
}

test('with the smarthost down the Status screen shows its error and next attempt and the chip says delivery is failing; Retry now sends the mail once it is back', async (t) => {
  const dns = await startDns(t);
  const smarthostPort = await freePort(20000, 30000);
  const relay = await startRelayDesk(t, { dns, upstream: { host: '127.0.0.1', port: smarthostPort } });
  const { user, password } = await senderUser(relay, dns, 'office.example');
  const page = await openPage(t, { viewport: { width: 1366, height: 768 } });
  await page.goto(relay.adminUrl);
  const chip = page.getByLabel('relay status');
  await chip.getByText(`Listening on ${relay.smtpPort}`).waitFor();
  const section = page.getByRole('region', { name: 'Delivery' });
  const row = (label: string) => section.locator('dt', { hasText: label }).locator('xpath=following-sibling::dd');
  assert.equal(await row('Upstream').textContent(), `Smarthost 127.0.0.1:${smarthostPort}`);

  // A scanner's mail, accepted; nothing listens where the smarthost should be.
  const sent = await swaks(relay.smtpPort, [
    ...['--tls', '--auth', 'PLAIN', '--auth-user', user, '--auth-password', password],
    ...['--from', 'scanner@office.example', '--to', 'accounts@partner.example', '--header', 'Subject: Scan 0042'],
  ]);
  assert.equal(sent.code, 0, sent.output);
  await chip.getByText('Delivery failing').waitFor();
  const refused = await ok(relay, 'delivery.status', {});
  assert.equal(refused.failing, true);
  assert.match(refused.lastFailure?.error ?? '', new RegExp(`ECONNREFUSED.*${smarthostPort}`));
  assert.ok(refused.nextAttemptAt);
  const nextAttempt = clock(refused.nextAttemptAt);
  await section.getByRole('status', { name: 'delivery failing' }).getByText(`Delivery is failing: 1 message waits for the upstream.`, { exact: false }).waitFor();
  await section.getByText(`the relay tries again at ${nextAttempt}`, { exact: false }).waitFor();
  assert.match((await row('Last error').textContent()) ?? '', new RegExp(`^\\d\\d:\\d\\d:\\d\\d: .*ECONNREFUSED.*${smarthostPort}`));
  assert.equal(await row('Next attempt').textContent(), `${nextAttempt} (1 message waiting)`);
  assert.equal(await row('Last delivery').textContent(), 'None recorded.');
  await screenshots(page, 'status-delivery-failing');

  // The smarthost is back but answers "try later": its own words are shown.
  const smarthost = await startUpstream(t, { port: smarthostPort });
  await smarthost.refuseWith('451 4.3.0 Mailbox store is being upgraded, try again later');
  await section.getByRole('button', { name: 'Retry now' }).click();
  await smarthost.waitForRefusals(1);
  await row('Last error').getByText('451 4.3.0 Mailbox store is being upgraded, try again later', { exact: false }).waitFor();
  await chip.getByText('Delivery failing').waitFor();
  await screenshots(page, 'status-delivery-server-answer');

  // It takes mail again: Retry now delivers, and the chip turns back.
  await smarthost.accept();
  await section.getByRole('button', { name: 'Retry now' }).click();
  const [received] = await smarthost.waitForMessages(1);
  assert.deepEqual(received?.rcptTos, ['accounts@partner.example']);
  await chip.getByText(`Listening on ${relay.smtpPort}`).waitFor();
  await row('Last delivery').getByText(/^\d\d:\d\d:\d\d: 250 /).waitFor();
  assert.equal(await row('Next attempt').textContent(), 'Nothing waits for another attempt.');
  assert.equal(await section.getByRole('status', { name: 'delivery failing' }).count(), 0);
  assert.equal(await section.getByRole('button', { name: 'Retry now' }).count(), 0);
  await page.getByLabel('queued messages').getByText('No messages waiting').waitFor();
  await screenshots(page, 'status-delivery-recovered');
});
