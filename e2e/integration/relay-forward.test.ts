/**
 * Mail from real SMTP clients (swaks, Python smtplib, nodemailer), logging in
 * with PLAIN and LOGIN, with and without STARTTLS, goes through the relay to
 * a real upstream (aiosmtpd) and arrives intact with the relay's headers.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { relayUser, startRelayChild, type RelayChild } from '../fixtures/relay-child.js';
import { nodemailerSend, smtplibSend, swaks } from '../fixtures/smtp-clients.js';
import { headerValues, TRICKY_BODY_LINES } from '../fixtures/messages.js';
import { tempDir } from '../fixtures/temp.js';
import { testCertificate } from '../fixtures/tls.js';
import { smarthostTo, startUpstream, type Upstream } from '../fixtures/upstream.js';

const USER = { name: 's100_0', password: 'GCuzt.9zbo!x' };

async function setup(t: TestContext, priority = 3): Promise<{ relay: RelayChild; upstream: Upstream }> {
  const upstream = await startUpstream(t);
  const relay = await startRelayChild(t, {
    listener: { encryption: 'starttls' },
    tls: await testCertificate(),
    users: [await relayUser({ ...USER, priority })],
    delivery: smarthostTo(upstream),
  });
  return { relay, upstream };
}

function bodyOf(raw: Buffer): Buffer {
  const end = raw.indexOf('\r\n\r\n');
  assert.ok(end >= 0, 'message has a header/body separator');
  return raw.subarray(end + 4);
}

test('swaks, AUTH PLAIN without TLS: the body arrives byte-identical, with the relay\'s headers', async (t) => {
  const { relay, upstream } = await setup(t, 1);
  const body = TRICKY_BODY_LINES.join('\r\n');
  const message = [
    'From: Scanner <scanner@office.example>',
    'To: Boss <boss@example.org>',
    'Subject: Scan 0042',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    body,
  ].join('\r\n');
  const file = join(await tempDir(t, 'swaks'), 'message.eml');
  await writeFile(file, message);
  const args = ['--from', 'scanner@office.example', '--to', 'boss@example.org', '--data', `@${file}`];

  const sent = await swaks(relay.port, [...args, '--auth', 'PLAIN', '--auth-user', USER.name, '--auth-password', USER.password]);
  assert.equal(sent.code, 0, sent.output);
  const queueId = /250 2\.0\.0 Ok: queued as ([0-9A-Z]+)/.exec(sent.output)?.[1];
  assert.ok(queueId, sent.output);
  const [relayed] = await upstream.waitForMessages(1);
  assert.ok(relayed);
  assert.equal(relayed.mailFrom, 'scanner@office.example');
  assert.deepEqual(relayed.rcptTos, ['boss@example.org']);

  // What swaks puts on the wire (it ends DATA with a line of its own) is
  // measured by sending the same file straight to a second upstream.
  const direct = await startUpstream(t);
  assert.equal((await swaks(direct.port, args)).code, 0);
  const [reference] = await direct.waitForMessages(1);
  assert.ok(reference);
  assert.deepEqual(bodyOf(relayed.raw), bodyOf(reference.raw));

  const [received] = headerValues(relayed.raw, 'Received');
  assert.match(received ?? '', new RegExp(`by relay\\.test \\(Relay Desk\\) with ESMTPA id ${queueId} \\(authenticated as s100_0\\)`));
  assert.deepEqual(headerValues(relayed.raw, 'X-Priority'), ['1 (Highest)']);
  assert.deepEqual(headerValues(relayed.raw, 'Importance'), ['high']);
  // The client gave neither: the relay adds them.
  assert.deepEqual(headerValues(relayed.raw, 'Message-ID'), [`<${queueId}@relay.test>`]);
  assert.match(headerValues(relayed.raw, 'Date')[0] ?? '', /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
  assert.deepEqual(headerValues(relayed.raw, 'Subject'), ['Scan 0042']);
});

test('swaks, AUTH LOGIN over STARTTLS with pipelining', async (t) => {
  const { relay, upstream } = await setup(t, 5);
  const sent = await swaks(relay.port, [
    '--from', 'erp@office.example', '--to', 'a@example.org,b@example.org',
    '--header', 'From: ERP <erp@office.example>', '--header', 'Subject: Invoice',
    '--tls', '--pipeline', '--auth', 'LOGIN', '--auth-user', USER.name, '--auth-password', USER.password,
  ]);
  assert.equal(sent.code, 0, sent.output);
  assert.match(sent.output, /PIPELINING/);
  const [relayed] = await upstream.waitForMessages(1);
  assert.ok(relayed);
  assert.deepEqual(relayed.rcptTos, ['a@example.org', 'b@example.org']);
  assert.match(headerValues(relayed.raw, 'Received')[0] ?? '', /with ESMTPSA \(TLSv1\.[23]:[\w-]+\) id [0-9A-Z]+ \(authenticated as s100_0\)/);
  assert.deepEqual(headerValues(relayed.raw, 'X-Priority'), ['5 (Lowest)']);
  assert.deepEqual(headerValues(relayed.raw, 'Importance'), ['low']);
  const accepted = await relay.waitForEvent('accepted');
  assert.equal(accepted.tls, true);
  assert.equal(accepted.via, 'auth');
  assert.equal(accepted.subject, 'Invoice');
});

for (const [method, starttls] of [['PLAIN', true], ['LOGIN', false]] as const) {
  test(`Python smtplib, AUTH ${method}${starttls ? ' over STARTTLS' : ''}: three messages on one connection all arrive`, async (t) => {
    const { relay, upstream } = await setup(t);
    const messages = [1, 2, 3].map(
      (n) => `From: app@office.example\r\nTo: a@example.org\r\nSubject: Invoice ${n}\r\nMessage-ID: <inv-${n}@office.example>\r\n\r\nInvoice number ${n}.\r\n`,
    );
    const results = await smtplibSend({
      port: relay.port,
      starttls,
      user: USER.name,
      password: USER.password,
      method,
      from: 'app@office.example',
      to: ['a@example.org', 'b@example.org'],
      messages,
    });
    assert.deepEqual(results, [{ ok: true, refused: {} }, { ok: true, refused: {} }, { ok: true, refused: {} }]);
    const received = await upstream.waitForMessages(3);
    assert.deepEqual(received.map((m) => headerValues(m.raw, 'Subject')[0]).sort(), ['Invoice 1', 'Invoice 2', 'Invoice 3']);
    for (const m of received) {
      assert.deepEqual(m.rcptTos, ['a@example.org', 'b@example.org']);
      assert.match(headerValues(m.raw, 'Message-ID')[0] ?? '', /^<inv-\d@office\.example>$/, 'the client\'s Message-ID is kept');
      assert.equal(headerValues(m.raw, 'Received').length, 1);
    }
    const sessions = new Set((await relay.waitForEvents('accepted', 3)).map((e) => e.session));
    assert.equal(sessions.size, 1, 'all three came over one session');
  });
}

for (const [method, starttls] of [['LOGIN', true], ['PLAIN', false]] as const) {
  test(`nodemailer, AUTH ${method}${starttls ? ' over STARTTLS' : ''}: two messages on one connection arrive`, async (t) => {
    const { relay, upstream } = await setup(t);
    const infos = await nodemailerSend({
      port: relay.port,
      starttls,
      auth: { user: USER.name, pass: USER.password },
      authMethod: method,
      messages: [1, 2].map((n) => ({ from: 'erp@office.example', to: ['client@example.org'], subject: `Order ${n}`, text: `Order ${n} has shipped.` })),
    });
    for (const info of infos) assert.match(info.response, /^250 2\.0\.0 Ok: queued as /);
    const received = await upstream.waitForMessages(2);
    assert.deepEqual(received.map((m) => headerValues(m.raw, 'Subject')[0]).sort(), ['Order 1', 'Order 2']);
    const accepted = await relay.waitForEvents('accepted', 2);
    assert.deepEqual(accepted.map((e) => e.tls), [starttls, starttls]);
    assert.equal(new Set(accepted.map((e) => e.session)).size, 1);
  });
}
