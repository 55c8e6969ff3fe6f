/**
 * Delivery and read receipts travel with the null envelope sender
 * (`MAIL FROM:<>`, RFC 5321 §4.5.5, RFC 8098): a logged-in user or a trusted
 * device may send them, while their From and Sender headers are still held
 * to the user's authorized senders and an anonymous client is still refused.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { relayUser, startRelayChild, type RelayChild, type TestUser } from '../fixtures/relay-child.js';
import { smtplibSend } from '../fixtures/smtp-clients.js';
import { smarthostTo, startUpstream, type Upstream } from '../fixtures/upstream.js';

const USER: TestUser = { name: 's300_0', password: 'Re.ceipt42!' };

/** A read receipt as a mail program writes one. */
function readReceipt(from: string): string {
  return [
    `From: ${from}`,
    'To: <boss@example.org>',
    'Subject: Read: Quarterly figures',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=disposition-notification; boundary="mdn"',
    '',
    '--mdn',
    'Content-Type: text/plain',
    '',
    'Your message was displayed.',
    '--mdn',
    'Content-Type: message/disposition-notification',
    '',
    'Final-Recipient: rfc822; clerk@office.example',
    'Disposition: manual-action/MDN-sent-manually; displayed',
    '--mdn--',
    '',
  ].join('\r\n');
}

async function setup(t: TestContext, user: TestUser = USER): Promise<{ relay: RelayChild; upstream: Upstream }> {
  const upstream = await startUpstream(t);
  const relay = await startRelayChild(t, {
    users: [await relayUser(user)],
    delivery: smarthostTo(upstream),
  });
  return { relay, upstream };
}

test('a logged-in user sends a read receipt with MAIL FROM:<>; it is relayed with the null sender', async (t) => {
  const { relay, upstream } = await setup(t);
  const [result] = await smtplibSend({ port: relay.port, user: USER.name, password: USER.password, from: '', to: ['boss@example.org'], messages: [readReceipt('<clerk@office.example>')] });
  assert.deepEqual(result, { ok: true, refused: {} });
  const [relayed] = await upstream.waitForMessages(1);
  assert.equal(relayed?.mailFrom, '<>', 'aiosmtpd writes the null sender as <>');
  assert.deepEqual(relayed.rcptTos, ['boss@example.org']);
});

test('a trusted device sends a delivery receipt with MAIL FROM:<> without logging in', async (t) => {
  const { relay, upstream } = await setup(t, { ...USER, trustedClients: ['127.0.0.1'] });
  const [result] = await smtplibSend({ port: relay.port, from: '', to: ['boss@example.org'], messages: [readReceipt('Scanner <scanner@office.example>')] });
  assert.deepEqual(result, { ok: true, refused: {} });
  const [relayed] = await upstream.waitForMessages(1);
  assert.equal(relayed?.mailFrom, '<>', 'aiosmtpd writes the null sender as <>');
});

test('with the null sender the From header is still checked: a foreign From is refused with 550 5.7.1', async (t) => {
  const { relay, upstream } = await setup(t);
  const [result] = await smtplibSend({ port: relay.port, user: USER.name, password: USER.password, from: '', to: ['boss@example.org'], messages: [readReceipt('<ceo@bank.example>')] });
  assert.ok(result && !result.ok);
  assert.equal(result.code, 550);
  assert.match(result.reply, /^5\.7\.1 .*<ceo@bank\.example> is not authorized for SMTP user s300_0/);
  assert.equal(relay.events.filter((e) => e.type === 'accepted').length, 0);
  assert.equal((await upstream.received()).length, 0);
});

test('an anonymous client cannot use the null sender to relay: 530 at MAIL', async (t) => {
  const { relay, upstream } = await setup(t);
  const [result] = await smtplibSend({ port: relay.port, from: '', to: ['boss@example.org'], messages: [readReceipt('<clerk@office.example>')] });
  assert.ok(result && !result.ok);
  assert.equal(result.code, 530);
  assert.equal((await upstream.received()).length, 0);
});
