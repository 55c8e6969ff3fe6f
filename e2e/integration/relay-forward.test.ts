/**
 * Mail from real SMTP clients goes through the relay to a real upstream and
 * arrives intact.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { startRelayDesk } from '../fixtures/relay-desk.js';
import { nodemailerSend, smtplibSend, swaks } from '../fixtures/smtp-clients.js';
import { tempDir } from '../fixtures/temp.js';
import { startUpstream } from '../fixtures/upstream.js';

function bodyOf(raw: Buffer): Buffer {
  const end = raw.indexOf('\r\n\r\n');
  assert.ok(end >= 0, 'message has a header/body separator');
  return raw.subarray(end + 4);
}

test('swaks: a message arrives at the upstream with its body byte-identical', async (t) => {
  const upstream = await startUpstream(t);
  const relay = await startRelayDesk(t, { upstream });
  const body = [
    'Hello from the scanner.',
    '.A line that starts with a dot survives dot-stuffing.',
    '..Two dots, too.',
    `A long line: ${'x'.repeat(900)}`,
    'Tabs\tand trailing spaces   ',
    'Caf\u00e9 in UTF-8 and 8-bit.',
    '',
    'Last line.',
    '',
  ].join('\r\n');
  const message = [
    'From: Scanner <scanner@office.example>',
    'To: Boss <boss@example.org>',
    'Subject: Scan 0042',
    'Message-ID: <scan-0042@office.example>',
    'Date: Thu, 26 Nov 2026 10:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    body,
  ].join('\r\n');
  const file = join(await tempDir(t, 'swaks'), 'message.eml');
  await writeFile(file, message);

  const envelope = ['--from', 'scanner@office.example', '--to', 'boss@example.org', '--data', `@${file}`];
  const sent = await swaks(relay.smtpPort, envelope);
  assert.equal(sent.code, 0, sent.output);
  assert.match(sent.output, /<- {2}250 2\.0\.0 Ok: queued as [0-9A-Z]+/);
  const [relayed] = await upstream.waitForMessages(1);
  assert.ok(relayed);
  assert.equal(relayed.mailFrom, 'scanner@office.example');
  assert.deepEqual(relayed.rcptTos, ['boss@example.org']);

  // What swaks puts on the wire (it ends DATA with a line of its own) is
  // measured by sending the same file straight to a second upstream.
  const direct = await startUpstream(t);
  assert.equal((await swaks(direct.port, envelope)).code, 0);
  const [reference] = await direct.waitForMessages(1);
  assert.ok(reference);
  const bodyBytes = Buffer.from(body);
  assert.ok(bodyOf(reference.raw).subarray(0, bodyBytes.length).equals(bodyBytes), 'the reference body starts with the file body');
  assert.deepEqual(bodyOf(relayed.raw), bodyOf(reference.raw));
  assert.match(relayed.raw.toString(), /^Subject: Scan 0042\r$/m);
});

test('Python smtplib: several messages over one connection all arrive', async (t) => {
  const upstream = await startUpstream(t);
  const relay = await startRelayDesk(t, { upstream });
  const messages = [1, 2, 3].map((n) => `From: app@office.example\r\nTo: a@example.org\r\nSubject: Invoice ${n}\r\n\r\nInvoice number ${n}.\r\n`);
  const results = await smtplibSend({ port: relay.smtpPort, from: 'app@office.example', to: ['a@example.org', 'b@example.org'], messages });
  assert.deepEqual(results, [{ ok: true, refused: {} }, { ok: true, refused: {} }, { ok: true, refused: {} }]);
  const received = await upstream.waitForMessages(3);
  assert.deepEqual(
    received.map((m) => /^Subject: (.*)\r$/m.exec(m.raw.toString())?.[1]).sort(),
    ['Invoice 1', 'Invoice 2', 'Invoice 3'],
  );
  for (const m of received) assert.deepEqual(m.rcptTos, ['a@example.org', 'b@example.org']);
});

test('nodemailer: a message arrives with its subject and text', async (t) => {
  const upstream = await startUpstream(t);
  const relay = await startRelayDesk(t, { upstream });
  const info = await nodemailerSend({
    port: relay.smtpPort,
    from: 'erp@office.example',
    to: ['client@example.org'],
    subject: 'Order confirmation',
    text: 'Your order has shipped.',
  });
  assert.match(info.response, /^250 /);
  const [received] = await upstream.waitForMessages(1);
  assert.ok(received);
  const text = received.raw.toString();
  assert.match(text, /^Subject: Order confirmation\r$/m);
  assert.match(text, /Your order has shipped\./);
  assert.match(text, new RegExp(`^Message-ID: ${info.messageId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\r$`, 'm'));
});

test('mail accepted while the upstream refuses stays queued and is reported', async (t) => {
  const upstream = await startUpstream(t);
  await upstream.refuseWith('451 4.3.0 Upstream busy');
  const relay = await startRelayDesk(t, { upstream });
  const sent = await swaks(relay.smtpPort, ['--from', 'a@office.example', '--to', 'b@example.org', '--body', 'queued while busy']);
  assert.equal(sent.code, 0, sent.output);
  await upstream.waitForRefusals(1);
  const state = await relay.waitForRelayState((s) => s.queued === 1);
  assert.equal(state.queued, 1);
  assert.equal((await upstream.received()).length, 0);
});
