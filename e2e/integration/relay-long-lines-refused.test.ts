/**
 * Lines over 998 octets the relay cannot rewrite without changing what the
 * message says or breaking its sender's signature: refused at the end of DATA
 * with 554 5.6.3 and words that say where and why, so the client knows at
 * once; nothing reaches the upstream. And the one case a sender's signature
 * allows: folding a long header field under relaxed canonicalization, after
 * which dkimpy still verifies the sender's signature.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { dkimKey, signAsSender, verifyDkim, type SenderSignature } from '../fixtures/dkim.js';
import { startDns } from '../fixtures/dns.js';
import { relayUser, startRelayChild, type RelayChild } from '../fixtures/relay-child.js';
import { smtplibSend, type SmtplibResult } from '../fixtures/smtp-clients.js';
import { smarthostTo, startUpstream, type Upstream } from '../fixtures/upstream.js';

const USER = { name: 's301_0', password: 'L0ng.Lines!y' };
const FROM = 'erp@office.example';
const TO = 'boss@example.org';
const OFFICE = dkimKey('office.example', 'erp2026');
const REFERENCES = Array.from({ length: 100 }, (_, i) => `<thread-${i}.a1b2c3@office.example>`).join(' ');
const HTML_LINE = `<p>${'Invoice line for the office, total 12.50; '.repeat(60)}</p>`;

async function setup(t: TestContext): Promise<{ relay: RelayChild; upstream: Upstream }> {
  const upstream = await startUpstream(t);
  const relay = await startRelayChild(t, {
    users: [await relayUser(USER)],
    delivery: smarthostTo(upstream),
  });
  return { relay, upstream };
}

function mail(...lines: string[]): Buffer {
  return Buffer.from(`${lines.join('\r\n')}\r\n`);
}

async function send(relay: RelayChild, message: Buffer): Promise<SmtplibResult | undefined> {
  const [result] = await smtplibSend({ port: relay.port, user: USER.name, password: USER.password, from: FROM, to: [TO], messages: [message.toString('utf8')] });
  return result;
}

function signed(message: Buffer, signature: SenderSignature): Promise<Buffer> {
  return signAsSender(message, OFFICE.key, signature);
}

/** Refused with 554 5.6.3 and `words`, the refusal reported, nothing accepted; a message sent after it is the only one the upstream gets. */
async function assertRefused(t: TestContext, relay: RelayChild, upstream: Upstream, result: SmtplibResult | undefined, words: RegExp): Promise<void> {
  assert.ok(result && !result.ok, 'refused');
  t.diagnostic(`${result.code} ${result.reply}`);
  assert.equal(result.code, 554);
  assert.match(result.reply, /^5\.6\.3 /);
  assert.match(result.reply, words);
  const rejected = await relay.waitForEvent('rejected', (e) => e.stage === 'data');
  assert.equal(rejected.code, 554);
  assert.equal(relay.events.filter((e) => e.type === 'accepted').length, 0);
  assert.deepEqual(await send(relay, mail(`From: <${FROM}>`, 'Subject: after', '', 'Fine.')), { ok: true, refused: {} });
  const received = await upstream.waitForMessages(1);
  assert.equal(received.length, 1);
  assert.match(received[0]?.raw.toString() ?? '', /Subject: after/);
}

test('signed by its sender with DKIM and a long body line: 554 5.6.3, since re-encoding would break the signature', async (t) => {
  const { relay, upstream } = await setup(t);
  const message = await signed(mail(`From: <${FROM}>`, `To: <${TO}>`, 'Subject: Invoice', 'Content-Type: text/html; charset=utf-8', '', HTML_LINE), { canon: 'relaxed/relaxed', headers: 'from:to:subject' });
  await assertRefused(t, relay, upstream, await send(relay, message), /A line of 2527 octets in the message body; lines may be at most 998 octets\. Relay Desk cannot rewrite it: the message carries a DKIM signature that re-encoding would break; wrap long lines or encode them \(quoted-printable, base64\) before signing/);
});

test('signed with simple header canonicalization over a long References field: 554 5.6.3 naming the field, since folding it would break the signature', async (t) => {
  const { relay, upstream } = await setup(t);
  const message = await signed(mail(`From: <${FROM}>`, 'Subject: Re: order', `References: ${REFERENCES}`, '', 'Short.'), { canon: 'simple/simple', headers: 'from:subject:references' });
  await assertRefused(t, relay, upstream, await send(relay, message), /in header field References of the message; lines may be at most 998 octets\. Relay Desk cannot rewrite it: the message carries a DKIM signature that folding this field would break; fold it before signing/);
});

test('signed with relaxed header canonicalization over a long References field: folded, delivered, and dkimpy still verifies the sender\'s signature', async (t) => {
  const dns = await startDns(t, { [OFFICE.record.name]: [OFFICE.record.value] });
  const { relay, upstream } = await setup(t);
  const message = await signed(mail(`From: <${FROM}>`, 'Subject: Re: order', `References: ${REFERENCES}`, '', 'Short.'), { canon: 'relaxed/simple', headers: 'from:subject:references' });
  assert.ok(message.toString().split('\r\n').some((line) => line.length > 998));
  assert.deepEqual(await send(relay, message), { ok: true, refused: {} });
  const [received] = await upstream.waitForMessages(1);
  assert.ok(received);
  assert.ok(Math.max(...received.raw.toString().split('\r\n').map((line) => line.length)) <= 998, 'the upstream got no long line');
  const verified = await verifyDkim(received.raw, dns);
  assert.equal(verified.ok, true, verified.output);
});

test('a preamble line over 998 octets: 554 5.6.3, a MIME structure line cannot be re-encoded', async (t) => {
  const { relay, upstream } = await setup(t);
  const message = mail(`From: <${FROM}>`, 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary=b', '', 'p'.repeat(1200), '--b', 'Content-Type: text/plain', '', 'Text.', '--b--');
  await assertRefused(t, relay, upstream, await send(relay, message), /A line of 1200 octets in the MIME delimiters, preamble or epilogue of the message; .* delimiter, preamble and epilogue lines cannot be re-encoded; shorten it/);
});

test('an address too long to fold: 554 5.6.3 naming the field and saying what to do', async (t) => {
  const { relay, upstream } = await setup(t);
  const message = mail(`From: <${FROM}>`, `To: <${'r'.repeat(1100)}@example.org>`, 'Subject: x', '', 'Text.');
  await assertRefused(t, relay, upstream, await send(relay, message), /A line of 1118 octets in header field To of the message; lines may be at most 998 octets\. Relay Desk cannot rewrite it: it has no whitespace to fold it at; shorten it/);
});
