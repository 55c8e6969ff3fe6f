/**
 * Lines over 998 octets (RFC 5321 §4.5.3.1.6) against an upstream that
 * enforces the limit (aiosmtpd answers "500 Line too long"): what the relay
 * accepts it delivers, nothing bounces, and every part the upstream gets
 * decodes, read by Python's email parser, to exactly what the client sent.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { readWithPython } from '../../relay/test/python-mime.js';
import { dkimKey, verifyDkim } from '../fixtures/dkim.js';
import { startDns } from '../fixtures/dns.js';
import { unfolded } from '../fixtures/messages.js';
import { relayUser, startRelayChild, type RelayChild } from '../fixtures/relay-child.js';
import { smtplibSend, swaks } from '../fixtures/smtp-clients.js';
import { tempDir } from '../fixtures/temp.js';
import { smarthostTo, startUpstream, type ReceivedMessage, type Upstream } from '../fixtures/upstream.js';

const USER = { name: 's300_0', password: 'L0ng.Lines!x' };
const FROM = 'scanner@office.example';
const TO = 'boss@example.org';

async function setup(t: TestContext, change: Parameters<typeof startRelayChild>[1] = {}): Promise<{ relay: RelayChild; upstream: Upstream }> {
  const upstream = await startUpstream(t);
  const relay = await startRelayChild(t, {
    users: [await relayUser(USER)],
    delivery: smarthostTo(upstream),
    ...change,
  });
  return { relay, upstream };
}

function mail(...lines: string[]): Buffer {
  return Buffer.from(`${lines.join('\r\n')}\r\n`);
}

/** Sent with swaks from a file, octets as they are (swaks ends DATA with a CRLF of its own, so the file goes without the last one). */
async function swaksSend(t: TestContext, relay: RelayChild, message: Buffer): Promise<string> {
  const file = join(await tempDir(t, 'swaks'), 'message.eml');
  await writeFile(file, message.subarray(0, message.lastIndexOf('\r\n')));
  const sent = await swaks(relay.port, ['--from', FROM, '--to', TO, '--data', `@${file}`, '--auth', 'PLAIN', '--auth-user', USER.name, '--auth-password', USER.password]);
  assert.equal(sent.code, 0, sent.output.slice(-2000));
  const id = /250 2\.0\.0 Ok: queued as ([0-9A-Z]+)/.exec(sent.output)?.[1];
  assert.ok(id, sent.output.slice(-2000));
  return id;
}

async function smtplibSendOne(relay: RelayChild, message: Buffer): Promise<string> {
  const [result] = await smtplibSend({ port: relay.port, user: USER.name, password: USER.password, from: FROM, to: [TO], messages: [message.toString('utf8')] });
  assert.deepEqual(result, { ok: true, refused: {} });
  const accepted = await relay.waitForEvent('accepted');
  return accepted.id;
}

/**
 * The message with this queue id was delivered and nothing was bounced or
 * deferred; what the upstream got has no line over 998 octets, and every
 * part decodes to the octets the client sent.
 */
async function assertDeliveredIntact(relay: RelayChild, upstream: Upstream, id: string, sent: Buffer, timeoutMs?: number): Promise<ReceivedMessage> {
  await relay.waitForEvent('delivered', (e) => e.id === id, timeoutMs);
  assert.deepEqual(
    relay.events.filter((e) => e.type === 'bounced' || e.type === 'deferred'),
    [],
    'nothing bounced or deferred',
  );
  const received = (await upstream.received()).find((m) => unfolded(m.raw).includes(` id ${id} `));
  assert.ok(received, 'the upstream has the message');
  const [before, after] = await Promise.all([readWithPython(sent), readWithPython(received.raw)]);
  assert.ok(before.longest_line > 998, 'the client sent a line over 998 octets');
  assert.ok(after.longest_line <= 998, `the upstream got a line of ${after.longest_line} octets`);
  assert.deepEqual(after.defects, []);
  assert.deepEqual(
    after.parts.map((p) => p.content_type),
    before.parts.map((p) => p.content_type),
  );
  for (const [i, part] of after.parts.entries()) assert.ok(part.payload.equals(before.parts[i]?.payload ?? Buffer.alloc(0)), `part ${i + 1} (${part.content_type}) decodes to what was sent`);
  return received;
}

const HTML_LINE = `<table>${'<tr><td class="cell">Caf\u00e9 invoice line</td><td>12.50</td></tr>'.repeat(100)}</table>`;

test('the upstream enforces the limit: a line over 1000 octets sent to it straight is refused with 500', async (t) => {
  const upstream = await startUpstream(t);
  const file = join(await tempDir(t, 'direct'), 'message.eml');
  await writeFile(file, mail(`From: <${FROM}>`, 'Subject: straight', '', 'x'.repeat(1500)));
  const sent = await swaks(upstream.port, ['--from', FROM, '--to', TO, '--data', `@${file}`]);
  assert.notEqual(sent.code, 0);
  assert.match(sent.output, /<\*\* 500 Line too long/);
  assert.equal((await upstream.received()).length, 0);
});

test('long header lines (References, To, an unbreakable Subject), via smtplib: folded or encoded, delivered, read back the same', async (t) => {
  const { relay, upstream } = await setup(t);
  const references = Array.from({ length: 100 }, (_, i) => `<thread-${i}.a1b2c3@office.example>`).join(' ');
  const to = Array.from({ length: 60 }, (_, i) => `Person ${i} <person${i}@example.org>`).join(', ');
  const subject = `Order ${'0123456789ABCDEF'.repeat(80)} caf\u00e9`;
  const sent = mail(`From: Scanner <${FROM}>`, `To: ${to}`, `Subject: ${subject}`, `References: ${references}`, 'Content-Type: text/plain; charset=utf-8', '', 'Short body.');
  const id = await smtplibSendOne(relay, sent);
  const received = await assertDeliveredIntact(relay, upstream, id, sent);
  const { headers } = await readWithPython(received.raw);
  const value = (name: string) => headers.find(([n]) => n === name)?.[1];
  assert.equal(value('Subject'), subject);
  assert.equal(value('References'), references);
  assert.equal(value('To'), to);
});

test('long HTML lines in multipart/alternative, via swaks: the HTML part goes quoted-printable, the text part is byte for byte', async (t) => {
  const { relay, upstream } = await setup(t);
  const text = 'Your invoice is attached.\r\nThank you.';
  const sent = mail(
    `From: <${FROM}>`,
    `To: <${TO}>`,
    'Subject: Invoice',
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="alt-1"',
    '',
    '--alt-1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
    '--alt-1',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    `<html><body>${HTML_LINE}`,
    `${HTML_LINE}</body></html>`,
    '--alt-1--',
  );
  const id = await swaksSend(t, relay, sent);
  const received = await assertDeliveredIntact(relay, upstream, id, sent);
  const raw = received.raw.toString('latin1');
  assert.ok(raw.includes(`--alt-1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n--alt-1\r\n`), 'the text part is byte for byte');
  assert.match(raw, /--alt-1\r\nContent-Type: text\/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n/);
});

test('an attachment in base64 without line breaks, via smtplib: re-wrapped, delivered, the same octets', async (t) => {
  const { relay, upstream } = await setup(t);
  const pdf = Buffer.from(Array.from({ length: 60_000 }, (_, i) => (i * 31 + (i >> 8)) % 256)).toString('base64');
  const sent = mail(
    `From: <${FROM}>`,
    'Subject: Scan',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary=scan',
    '',
    '--scan',
    'Content-Type: text/plain',
    '',
    'Scanned document attached.',
    '--scan',
    'Content-Type: application/pdf; name="scan.pdf"',
    'Content-Disposition: attachment; filename="scan.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    pdf,
    '--scan--',
  );
  const id = await smtplibSendOne(relay, sent);
  const received = await assertDeliveredIntact(relay, upstream, id, sent);
  assert.match(received.raw.toString('latin1'), /Content-Transfer-Encoding: base64\r\n\r\n([A-Za-z0-9+/]{76}\r\n){100}/);
});

test('a message rewritten for its long lines is DKIM-signed by the relay over its final form, and dkimpy verifies it', async (t) => {
  const office = dkimKey('office.example', 'relay2026');
  const dns = await startDns(t, { [office.record.name]: [office.record.value] });
  const { relay, upstream } = await setup(t, { dkim: [office.key] });
  const sent = mail(`From: <${FROM}>`, 'Subject: Signed', 'Content-Type: text/html; charset=utf-8', '', HTML_LINE);
  const id = await swaksSend(t, relay, sent);
  const received = await assertDeliveredIntact(relay, upstream, id, sent);
  assert.match(received.raw.toString('latin1'), /^DKIM-Signature: [^]*?\bd=office\.example;/);
  const verified = await verifyDkim(received.raw, dns);
  assert.equal(verified.ok, true, verified.output);
});

/** The relay child's peak resident memory (VmHWM), in MB. */
async function peakMemoryMb(relay: RelayChild): Promise<number> {
  const status = await readFile(`/proc/${relay.child.pid ?? 0}/status`, 'utf8');
  const kb = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
  assert.ok(kb, status);
  return Number(kb) / 1024;
}

test('a 20 MB message with long lines is delivered intact, and the relay holds no more memory for it than for 20 MB without', async (t) => {
  const blob = Buffer.from(Array.from({ length: 15 * 1024 * 1024 }, (_, i) => (i * 7 + (i >> 12)) % 256));
  const message = (attachment: string) =>
    mail(
      `From: <${FROM}>`,
      'Subject: Big scan',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary=big',
      '',
      '--big',
      'Content-Type: text/html; charset=utf-8',
      '',
      HTML_LINE,
      '--big',
      'Content-Type: application/octet-stream; name="scan.tif"',
      'Content-Transfer-Encoding: base64',
      '',
      attachment,
      '--big--',
    );
  const oneLine = blob.toString('base64');
  const wrapped = oneLine.replace(/.{76}/g, '$&\r\n').trimEnd();
  const shortLines = message(wrapped).toString().replace(HTML_LINE, HTML_LINE.replace(/<\/tr>/g, '</tr>\r\n'));
  const longLines = message(oneLine);
  assert.ok(longLines.length > 19 * 1024 * 1024);

  const peaks: number[] = [];
  for (const sent of [Buffer.from(shortLines), longLines]) {
    const { relay, upstream } = await setup(t, { limits: { maxMessageBytes: 25 * 1024 * 1024, maxRecipients: 10, maxConnections: 20, authFailures: { max: 10, windowSeconds: 600, blockSeconds: 900 } } });
    const id = await smtplibSendOne(relay, sent);
    await relay.waitForEvent('delivered', (e) => e.id === id, 120_000);
    peaks.push(await peakMemoryMb(relay));
    if (sent === longLines) await assertDeliveredIntact(relay, upstream, id, sent);
  }
  const [baseline, rewritten] = peaks as [number, number];
  t.diagnostic(`relay VmHWM: ${baseline.toFixed(1)} MB without long lines, ${rewritten.toFixed(1)} MB with (20 MB messages)`);
  assert.ok(rewritten <= baseline * 1.25, `peak ${rewritten.toFixed(1)} MB against ${baseline.toFixed(1)} MB without long lines`);
});
