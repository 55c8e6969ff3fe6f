/**
 * The Messages screen in Chromium against the real host and relay, mail sent
 * with swaks to an aiosmtpd smarthost: rows with the right status, the
 * counters moving as mail goes, a message's timeline with the server's own
 * words, delivery paused (banner and chip) and a message deleted while held
 * that never reaches the smarthost, a deferred message retried, and the
 * refused attempts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright';
import { openPage, screenshot, settled } from '../fixtures/browser.js';
import { startDns } from '../fixtures/dns.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';
import { senderUser } from '../fixtures/scenario.js';
import { swaks } from '../fixtures/smtp-clients.js';
import { startUpstream } from '../fixtures/upstream.js';

async function counter(page: Page, label: string, value: number): Promise<void> {
  await page.getByRole('listitem', { name: label }).getByText(String(value), { exact: true }).waitFor();
}

/** The grid row of a subject, once its status reads as expected. */
async function rowWith(page: Page, subject: string, status: string) {
  const row = page.getByRole('row').filter({ hasText: subject });
  await row.filter({ hasText: status }).waitFor();
  return row;
}

test('the Messages screen shows what became of each message, pauses, deletes and retries the real queue, and lists refused attempts', async (t) => {
  const dns = await startDns(t);
  const upstream = await startUpstream(t);
  const relay = await startRelayDesk(t, { dns, upstream });
  const { user, password } = await senderUser(relay, dns, 'office.example');
  const send = async (subject: string, to: string, pw = password) =>
    swaks(relay.smtpPort, [
      ...['--tls', '--auth', 'PLAIN', '--auth-user', user, '--auth-password', pw],
      ...['--from', 'scanner@office.example', '--to', to, '--header', `Subject: ${subject}`],
    ]);

  await upstream.rejectRecipient('nobody@partner.example', '550 5.1.1 No such user here');
  assert.equal((await send('Invoice 1001', 'ok@partner.example,nobody@partner.example')).code, 0);
  assert.equal((await send('Report 7', 'boss@partner.example')).code, 0);

  const page = await openPage(t, { viewport: { width: 1600, height: 900 } });
  await page.goto(relay.adminUrl);
  await page.getByRole('tab', { name: 'Messages' }).click();
  await rowWith(page, 'Invoice 1001', 'Partly delivered');
  await rowWith(page, 'Report 7', 'Delivered');
  await counter(page, 'Sent today', 2);
  await counter(page, 'Queued', 0);
  await settled(page);
  await screenshot(page, 'messages-list');

  // The detail panel: each recipient's own answer, and the attempt with the server it went to.
  await (await rowWith(page, 'Invoice 1001', 'Partly delivered')).getByText('Invoice 1001').click();
  const panel = page.getByRole('dialog', { name: /^Message / });
  await panel.getByRole('table', { name: 'recipients' }).getByText('550 5.1.1 No such user here', { exact: false }).waitFor();
  await panel.getByText(`to ${upstream.host}:${upstream.port}`, { exact: false }).waitFor();
  await settled(page);
  await screenshot(page, 'messages-detail');
  await panel.getByRole('button', { name: 'Close' }).click();

  // Paused: the banner and the chip say so; a message sent now waits, and deleted it never leaves.
  await page.getByRole('button', { name: 'Pause delivery' }).click();
  await page.getByRole('status').getByText('Delivery is paused', { exact: false }).waitFor();
  await page.getByLabel('relay status').getByText('Delivery paused').waitFor();
  assert.equal((await send('Held back 1', 'boss@partner.example')).code, 0);
  const held = await rowWith(page, 'Held back 1', 'Queued');
  await counter(page, 'Queued', 1);
  await held.getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Delete selected' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete 1 message?' });
  await confirm.getByText('no bounce is sent', { exact: false }).waitFor();
  await settled(page);
  await screenshot(page, 'messages-delete-confirm');
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await rowWith(page, 'Held back 1', 'Deleted');
  await counter(page, 'Queued', 0);

  // Resumed: what was held goes, and the deleted one stays gone.
  assert.equal((await send('Held back 2', 'boss@partner.example')).code, 0);
  await rowWith(page, 'Held back 2', 'Queued');
  await page.getByRole('button', { name: 'Resume delivery' }).click();
  await rowWith(page, 'Held back 2', 'Delivered');
  const subjects = (await upstream.waitForMessages(3)).map((m) => m.raw.toString('utf8'));
  assert.equal(subjects.filter((raw) => raw.includes('Held back 1')).length, 0, 'the deleted message never reached the smarthost');

  // Deferred by the smarthost, then retried at once from the screen.
  await upstream.refuseWith('451 4.3.0 Try again later');
  assert.equal((await send('Later 3', 'boss@partner.example')).code, 0);
  const later = await rowWith(page, 'Later 3', 'Deferred');
  await counter(page, 'Deferred', 1);
  await upstream.accept();
  await later.getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Retry selected' }).click();
  await page.getByText('1 message will be tried now.').waitFor();
  await rowWith(page, 'Later 3', 'Delivered');
  await counter(page, 'Deferred', 0);

  // A wrong password: refused, with its reply code, on the Refused tab.
  assert.notEqual((await send('Never', 'boss@partner.example', 'wrong-password')).code, 0);
  await counter(page, 'Refused today', 1);
  await page.getByRole('tab', { name: 'Refused' }).click();
  await page.getByRole('row').filter({ hasText: '535' }).first().waitFor();
  await settled(page);
  await screenshot(page, 'messages-refused');
});
