/**
 * A session's time limits and its commands before login (issue 12): bytes
 * trickled in do not extend a command line's time, silence ends a session,
 * a message's data may come slowly but not too slowly, a client must log in
 * soon after connecting and may not send more than a few commands before.
 * The real relay child with small limits; raw sockets pace the clients.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { SessionLimits } from '../../relay/protocol.js';
import { plainAuth, rawSmtp, type RawSmtp } from '../fixtures/raw-smtp.js';
import { relayUser, startRelayChild, TEST_LIMITS, type RelayChild } from '../fixtures/relay-child.js';
import { smarthostTo, startUpstream, type Upstream } from '../fixtures/upstream.js';

const USER = { name: 's600_0', password: 'Sl0w-client!' };

async function setup(t: TestContext, session: Partial<SessionLimits>): Promise<{ relay: RelayChild; upstream: Upstream }> {
  const upstream = await startUpstream(t);
  const relay = await startRelayChild(t, {
    // The scanner on 127.0.0.1 sends without logging in; other loopback addresses must log in.
    users: [await relayUser({ ...USER, trustedClients: ['127.0.0.1'] })],
    delivery: smarthostTo(upstream),
    limits: { session: { ...TEST_LIMITS.session, ...session } },
  });
  return { relay, upstream };
}

async function client(t: TestContext, relay: RelayChild, from = '127.0.0.2'): Promise<RawSmtp> {
  const smtp = await rawSmtp(relay.port, { localAddress: from });
  t.after(() => smtp.close());
  assert.equal((await smtp.reply()).code, 220);
  return smtp;
}

async function loggedIn(t: TestContext, relay: RelayChild): Promise<RawSmtp> {
  const smtp = await client(t, relay);
  assert.equal((await smtp.command('EHLO slow.test')).code, 250);
  assert.equal((await smtp.command(`AUTH PLAIN ${plainAuth(USER.name, USER.password)}`)).code, 235);
  return smtp;
}

/** Writes `data` in pieces of `size` bytes, one every `everyMs`, until the server closes the connection or all is sent. */
function pace(smtp: RawSmtp, data: string | Buffer, size: number, everyMs: number): { firstAt: number; done: Promise<void> } {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  let offset = 0;
  const firstAt = Date.now();
  const done = new Promise<void>((resolve) => {
    const send = () => {
      if (smtp.socket.destroyed || offset >= bytes.length) {
        clearInterval(timer);
        resolve();
        return;
      }
      smtp.send(bytes.subarray(offset, offset + size));
      offset += size;
    };
    const timer = setInterval(send, everyMs);
    send();
    void smtp.closed.then(send);
  });
  return { firstAt, done };
}

/** The reply that ended the session, and how long after `since` the connection closed. */
async function cutOff(smtp: RawSmtp, since: number): Promise<{ text: string; afterMs: number }> {
  const reply = await smtp.reply();
  await smtp.closed;
  return { text: reply.text, afterMs: Date.now() - since };
}

test('a command line trickled in a byte at a time is cut off once its time is up, logged in or not', async (t) => {
  const { relay } = await setup(t, { commandLineMs: 1000 });
  for (const smtp of [await client(t, relay), await loggedIn(t, relay)]) {
    // 19 bytes, one every 200 ms: each arrives long before the relay's 5-minute idle limit, the line never does.
    const trickle = pace(smtp, 'MAIL FROM:<a@b.c>\r\n', 1, 200);
    const { text, afterMs } = await cutOff(smtp, trickle.firstAt);
    assert.equal(text, '421 4.4.2 Timed out: a command line took more than 1 second to arrive');
    // Cut off mid-line: the whole line would have arrived after 3.6 s and been answered, not timed out.
    assert.ok(afterMs >= 1000, `closed ${afterMs} ms after the first byte`);
    await trickle.done;
  }
  const events = await relay.waitForEvents('rejected', 2, (e) => e.stage === 'timeout');
  assert.deepEqual(
    events.map((e) => [e.remoteAddress, e.user, e.reply]),
    [
      ['127.0.0.2', null, '421 4.4.2 Timed out: a command line took more than 1 second to arrive'],
      ['127.0.0.2', USER.name, '421 4.4.2 Timed out: a command line took more than 1 second to arrive'],
    ],
  );
});

test('a logged-in client that stays silent is closed after the idle limit', async (t) => {
  const { relay } = await setup(t, { idleMs: 1000 });
  const smtp = await loggedIn(t, relay);
  const since = Date.now();
  const { text, afterMs } = await cutOff(smtp, since);
  assert.equal(text, '421 4.4.2 Timed out: no command for 1 second');
  assert.ok(afterMs >= 900, `closed after ${afterMs} ms`);
  await relay.waitForEvent('rejected', (e) => e.stage === 'timeout' && e.user === USER.name);
});

test('a client that keeps talking but never logs in is closed when its time to log in is up', async (t) => {
  const { relay } = await setup(t, { identifyMs: 1500, maxCommandsBeforeAuth: 1000 });
  const smtp = await client(t, relay);
  const since = Date.now();
  // A NOOP every 200 ms: never idle, never a slow line.
  const talk = pace(smtp, 'NOOP\r\n'.repeat(100), 6, 200);
  let reply = await smtp.reply();
  while (reply.code === 250) reply = await smtp.reply();
  await smtp.closed;
  await talk.done;
  assert.equal(reply.text, '421 4.4.2 Timed out: no login or message within 1.5 seconds of connecting');
  assert.ok(Date.now() - since >= 1400, 'not before its time');
  await relay.waitForEvent('rejected', (e) => e.stage === 'timeout' && e.remoteAddress === '127.0.0.2');
});

test('message data: a slow but steady 20 MB upload is accepted however long it takes; a trickle is cut off', async (t) => {
  // At least 64 KB/s, and never more than 5 seconds' shortfall (a busy machine may hold the sender up for a second or two):
  // a 20 MB message paced at ~1.6 MB/s, 25 times the minimum, takes more than twice those 5 seconds.
  const { relay, upstream } = await setup(t, { idleMs: 5000, minDataBytesPerSecond: 64 * 1024 });
  const steady = await loggedIn(t, relay);
  assert.equal((await steady.command('MAIL FROM:<clerk@office.example>')).code, 250);
  assert.equal((await steady.command('RCPT TO:<boss@example.org>')).code, 250);
  assert.equal((await steady.command('DATA')).code, 354);
  const line = `${'x'.repeat(998)}\r\n`;
  const body = Buffer.from(`From: clerk@office.example\r\nSubject: big and slow\r\n\r\n${line.repeat(20 * 1024)}.\r\n`, 'latin1');
  const upload = pace(steady, body, 64 * 1024, 40);
  const accepted = await steady.reply();
  await upload.done;
  assert.equal(accepted.code, 250, accepted.text);
  assert.ok(Date.now() - upload.firstAt > 10_000, `the upload took ${Date.now() - upload.firstAt} ms, longer than the slack`);
  const [received] = await upstream.waitForMessages(1);
  assert.ok((received?.raw.length ?? 0) > 20 * 1024 * 1000);

  const trickler = await loggedIn(t, relay);
  await trickler.command('MAIL FROM:<clerk@office.example>');
  await trickler.command('RCPT TO:<boss@example.org>');
  assert.equal((await trickler.command('DATA')).code, 354);
  const trickle = pace(trickler, `From: clerk@office.example\r\n\r\n${'y'.repeat(1000)}`, 1, 50);
  const { text, afterMs } = await cutOff(trickler, trickle.firstAt);
  await trickle.done;
  assert.equal(text, '421 4.4.2 Timed out: the message arrived slower than 65536 bytes a second for too long');
  // Cut off long before the trickle could end (a byte every 50 ms: about a minute).
  assert.ok(afterMs >= 4500, `cut off after ${afterMs} ms`);
  await relay.waitForEvent('rejected', (e) => e.stage === 'timeout' && e.reply === text);
  assert.equal(relay.events.filter((e) => e.type === 'accepted').length, 1, 'the trickled message was not accepted');
});

test('commands before login: the eleventh is answered 421 4.7.0 and the connection closed; trusted devices and logged-in clients are not counted', async (t) => {
  const { relay, upstream } = await setup(t, {});
  const stranger = await client(t, relay);
  const commands = ['EHLO scan.test', 'NOOP', 'RSET', 'HELP', 'NOOP', 'RSET', 'HELP', 'NOOP', 'VRFY root', 'NOOP'];
  for (const command of commands) assert.ok((await stranger.command(command)).code < 400, command);
  const refused = await stranger.command('NOOP');
  assert.equal(refused.text, '421 4.7.0 Too many commands without logging in (at most 10); log in with the SMTP user name and password from Relay Desk');
  await stranger.closed;
  const [event] = await relay.waitForEvents('rejected', 1, (e) => e.stage === 'commands');
  assert.deepEqual([event?.remoteAddress, event?.code], ['127.0.0.2', 421]);

  // The scanner on its trusted address sends without logging in, however chatty it is.
  const scanner = await client(t, relay, '127.0.0.1');
  for (let i = 0; i < 30; i++) assert.equal((await scanner.command(i === 0 ? 'EHLO scanner.test' : 'NOOP')).code, 250);
  assert.equal((await scanner.command('MAIL FROM:<scanner@office.example>')).code, 250);
  assert.equal((await scanner.command('RCPT TO:<boss@example.org>')).code, 250);
  assert.equal((await scanner.command('DATA')).code, 354);
  assert.equal((await scanner.command('From: scanner@office.example\r\nSubject: scan\r\n\r\nscan\r\n.')).code, 250);

  const app = await loggedIn(t, relay);
  for (let i = 0; i < 30; i++) assert.equal((await app.command('NOOP')).code, 250);
  await upstream.waitForMessages(1);
  assert.equal(relay.events.filter((e) => e.type === 'rejected').length, 1);
});
