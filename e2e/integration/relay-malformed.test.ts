/**
 * Hostile and broken input: SMTP smuggling attempts, garbage, oversize lines,
 * NULs, broken AUTH, clients vanishing mid-DATA. The relay answers each with a
 * clear error, never splits or merges messages, keeps serving everyone else
 * and leaves no half message in its queue.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { test, type TestContext } from 'node:test';
import { relayUser, startRelayChild, type RelayChild } from '../fixtures/relay-child.js';
import { plainAuth, rawSmtp, type RawSmtp } from '../fixtures/raw-smtp.js';
import { swaks } from '../fixtures/smtp-clients.js';
import { smarthostTo, startUpstream, type Upstream } from '../fixtures/upstream.js';

const USER = { name: 's400_0', password: 'N0-smuggling!' };

async function setup(t: TestContext): Promise<{ relay: RelayChild; upstream: Upstream }> {
  const upstream = await startUpstream(t);
  const relay = await startRelayChild(t, {
    users: [await relayUser(USER)],
    delivery: smarthostTo(upstream),
  });
  return { relay, upstream };
}

async function loggedIn(relay: RelayChild): Promise<RawSmtp> {
  const smtp = await rawSmtp(relay.port);
  assert.equal((await smtp.reply()).code, 220);
  assert.equal((await smtp.command('EHLO fuzz.test')).code, 250);
  assert.equal((await smtp.command(`AUTH PLAIN ${plainAuth(USER.name, USER.password)}`)).code, 235);
  return smtp;
}

async function assertSpoolHasNoLeftovers(relay: RelayChild): Promise<void> {
  await relay.waitForEmptyQueue();
  const files = await readdir(relay.spoolDir);
  assert.deepEqual(files.filter((f) => f.endsWith('.tmp') || f.endsWith('.msg')), [], `spool: ${files.join(', ')}`);
}

for (const [name, terminator] of [
  ['bare LF', '\n.\n'],
  ['bare CR', '\r.\r'],
  ['LF then CRLF', '\n.\r\n'],
  ['CRLF then LF', '\r\n.\n'],
] as const) {
  test(`SMTP smuggling with ${name} dot lines: one message in, one message out`, async (t) => {
    const { relay, upstream } = await setup(t);
    const smtp = await loggedIn(relay);
    assert.equal((await smtp.command('MAIL FROM:<clerk@office.example>')).code, 250);
    assert.equal((await smtp.command('RCPT TO:<boss@example.org>')).code, 250);
    assert.equal((await smtp.command('DATA')).code, 354);
    smtp.send(
      'From: clerk@office.example\r\nSubject: outer\r\n\r\nouter body' +
        terminator +
        'MAIL FROM:<ceo@office.example>\r\nRCPT TO:<victim@example.org>\r\nDATA\r\nFrom: ceo@office.example\r\nSubject: smuggled\r\n\r\nsmuggled body\r\n.\r\n',
    );
    const accepted = await smtp.reply();
    assert.equal(accepted.code, 250, accepted.text);
    // Whatever follows the real end of DATA is read as commands by the relay, not as a second message.
    assert.equal((await smtp.command('QUIT')).code, 221);
    await relay.waitForEmptyQueue();
    const received = await upstream.received();
    assert.equal(received.length, 1, 'exactly one message reached the upstream');
    assert.deepEqual(received[0]?.rcptTos, ['boss@example.org']);
    const text = received[0].raw.toString();
    assert.match(text, /smuggled body/, 'the smuggled text stayed inside the one message as data');
    assert.equal(relay.events.filter((e) => e.type === 'accepted').length, 1);
  });
}

test('garbage, oversized lines, NULs, broken AUTH and vanishing clients: clear errors, and others keep being served', async (t) => {
  const { relay, upstream } = await setup(t);

  const garbage = await rawSmtp(relay.port);
  await garbage.reply();
  assert.equal((await garbage.command('HELLO?')).code, 500);
  assert.equal((await garbage.command('\u0000\u0001\u0002 binary junk')).code, 500);
  assert.match((await garbage.command('MAIL FROM:<x@office.example>')).text, /^503 /, 'MAIL before EHLO');
  garbage.close();

  const longLine = await rawSmtp(relay.port);
  await longLine.reply();
  longLine.send(`EHLO ${'a'.repeat(100_000)}\r\n`);
  assert.match((await longLine.reply()).text, /^421 .*too long/i);
  await longLine.closed;

  const badAuth = await rawSmtp(relay.port);
  await badAuth.reply();
  await badAuth.command('EHLO fuzz.test');
  assert.match((await badAuth.command('AUTH PLAIN !!!not-base64!!!')).text, /^5\d\d /);
  assert.match((await badAuth.command('AUTH LOGIN')).text, /^334 /);
  assert.match((await badAuth.command('%%%')).text, /^5\d\d /);
  assert.match((await badAuth.command('AUTH CRAM-MD5')).text, /^504 /);
  badAuth.close();

  // A client that vanishes in the middle of DATA leaves nothing behind.
  const vanishing = await loggedIn(relay);
  await vanishing.command('MAIL FROM:<clerk@office.example>');
  await vanishing.command('RCPT TO:<boss@example.org>');
  await vanishing.command('DATA');
  vanishing.send(`From: clerk@office.example\r\nSubject: half\r\n\r\n${'half a message\r\n'.repeat(5000)}`);
  vanishing.close();
  await relay.waitForEvent('session-closed', (e) => e.session !== '');

  const nul = await loggedIn(relay);
  await nul.command('MAIL FROM:<clerk@office.example>');
  await nul.command('RCPT TO:<boss@example.org>');
  await nul.command('DATA');
  nul.send(Buffer.from('From: clerk@office.example\r\nSubject: nul\r\n\r\nbefore\u0000after\r\n.\r\n', 'latin1'));
  assert.equal((await nul.reply()).code, 250, 'a NUL in the body is data');
  nul.close();

  // Meanwhile, and after all that, an ordinary client is served as ever.
  const sent = await swaks(relay.port, ['--from', 'ok@office.example', '--to', 'b@example.org', '--header', 'From: ok@office.example', '--header', 'Subject: still fine', '--auth', 'PLAIN', '--auth-user', USER.name, '--auth-password', USER.password]);
  assert.equal(sent.code, 0, sent.output);
  const received = await upstream.waitForMessages(2);
  assert.deepEqual(received.map((m) => /^Subject: (.*)\r$/m.exec(m.raw.toString())?.[1]).sort(), ['nul', 'still fine']);
  await relay.waitForEvents('accepted', 2);
  await assertSpoolHasNoLeftovers(relay);
  // Events arrive in batches; once the queue has reported empty, every acceptance has been reported too.
  assert.equal(relay.events.filter((e) => e.type === 'accepted').length, 2);
});

test('many clients at once, half of them broken: every good message is delivered', async (t) => {
  const { relay, upstream } = await setup(t);
  const good = Array.from({ length: 10 }, (_, i) =>
    swaks(relay.port, ['--from', `ok${i}@office.example`, '--to', 'b@example.org', '--header', `From: ok${i}@office.example`, '--auth', 'PLAIN', '--auth-user', USER.name, '--auth-password', USER.password]),
  );
  const broken = Array.from({ length: 10 }, async (_, i) => {
    const smtp = await loggedIn(relay);
    await smtp.command('MAIL FROM:<clerk@office.example>');
    await smtp.command('RCPT TO:<boss@example.org>');
    await smtp.command('DATA');
    smtp.send(`From: clerk@office.example\r\n${'X-Junk: '.padEnd(i * 1000, 'j')}\r\n`);
    smtp.close();
  });
  const results = await Promise.all(good);
  await Promise.all(broken);
  for (const r of results) assert.equal(r.code, 0, r.output);
  assert.equal((await upstream.waitForMessages(10)).length, 10);
  await relay.waitForEvents('accepted', 10);
  await assertSpoolHasNoLeftovers(relay);
});
