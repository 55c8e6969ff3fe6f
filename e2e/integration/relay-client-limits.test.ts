/**
 * One host on the LAN cannot lock every device out (issue 12): connections
 * are limited per client address, in number and per minute, and when the
 * relay is full a newcomer gets an idle slot of the address holding the
 * most. The real relay child, real sockets from other loopback addresses
 * (Linux answers on all of 127/8), swaks as the office device, aiosmtpd as
 * the upstream.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { RelayEvent } from '../../relay/events.js';
import { startFlood } from '../fixtures/flood.js';
import { freePort } from '../fixtures/ports.js';
import { statusBytes } from '../fixtures/process.js';
import { plainAuth, rawSmtp } from '../fixtures/raw-smtp.js';
import { relayUser, startRelayChild, TEST_LIMITS, type RelayChild } from '../fixtures/relay-child.js';
import { swaks } from '../fixtures/smtp-clients.js';
import { waitUntil } from '../fixtures/wait.js';
import { smarthostTo, startUpstream, type Upstream } from '../fixtures/upstream.js';

const DEVICE = { name: 's500_0', password: 'Sc4nner-pass' };
const MB = 1024 * 1024;

async function setup(t: TestContext, limits: Partial<typeof TEST_LIMITS>): Promise<{ relay: RelayChild; upstream: Upstream }> {
  const upstream = await startUpstream(t);
  const relay = await startRelayChild(t, {
    users: [await relayUser(DEVICE)],
    delivery: smarthostTo(upstream),
    limits,
  });
  return { relay, upstream };
}

/**
 * The device on 127.0.0.1 sends messages, one connection each, one after
 * another: `count` of them, and on while `more()` holds (at most 200). It
 * stops at the first one refused. Returns the swaks results.
 */
async function deviceSends(relay: RelayChild, count: number, subject: string, more = () => false): Promise<{ code: number; output: string }[]> {
  const results = [];
  for (let i = 0; i < 200 && (i < count || more()); i++) {
    const from = 'scanner@office.example';
    const args = ['--from', from, '--to', 'boss@example.org', '--header', `From: ${from}`, '--header', `Subject: ${subject} ${i}`];
    const result = await swaks(relay.port, [...args, '--auth', 'PLAIN', '--auth-user', DEVICE.name, '--auth-password', DEVICE.password]);
    results.push(result);
    if (result.code !== 0) break;
  }
  return results;
}

type Rejected = Extract<RelayEvent, { type: 'rejected' }>;
const rejectedFrom = (relay: RelayChild, address: string, stage?: Rejected['stage']) =>
  relay.events.filter((e): e is Rejected => e.type === 'rejected' && e.remoteAddress === address && (stage === undefined || e.stage === stage));

test('a flood of idle and trickling connections from 127.0.0.2 never keeps the device on 127.0.0.1 out; refusals are recorded, memory stays bounded', async (t) => {
  const perClient = 20;
  const session = { ...TEST_LIMITS.session, identifyMs: 2000, commandLineMs: 1000, idleMs: 2000 };
  const { relay, upstream } = await setup(t, { maxConnections: 60, maxConnectionsPerClient: perClient, session });
  const pid = relay.child.pid ?? 0;
  // The relay warmed up by one message, as before any flood.
  assert.equal((await deviceSends(relay, 1, 'before'))[0]?.code, 0);
  await upstream.waitForMessages(1);
  const before = await statusBytes(pid, 'VmRSS');

  // 1,000 connections at once, 100 of them trickling a byte every 250 ms; every one the relay lets in and later closes is opened again.
  const flood = startFlood({ port: relay.port, from: '127.0.0.2', connections: 1000, tricklers: 100, trickleEveryMs: 250, replace: true });
  t.after(() => flood.stop());
  await flood.started;
  // The device keeps sending until the flood has had its slots taken back and has filled them again, twice over.
  const sent = await deviceSends(relay, 10, 'during', () => flood.cutOffs.length < 2 * perClient);
  await flood.stop();

  for (const result of sent) assert.equal(result.code, 0, result.output);
  const received = await upstream.waitForMessages(1 + sent.length);
  assert.equal(received.filter((m) => /^Subject: during \d+\r$/m.test(m.raw.toString())).length, sent.length, 'every message of the device was delivered');
  assert.deepEqual(rejectedFrom(relay, '127.0.0.1'), [], 'the device was never refused');

  // Every refusal the flood was answered with is recorded, and says why.
  assert.ok(flood.refusals.length >= 1000 - perClient, `refusals: ${flood.refusals.length}`);
  for (const line of flood.refusals) assert.equal(line, `421 4.7.0 Too many connections from your address 127.0.0.2: at most ${perClient} at once; try again when some have closed`);
  await relay.waitForEvents('rejected', flood.refusals.length, (e) => e.remoteAddress === '127.0.0.2' && e.stage === 'connect');
  // The flood's sessions that got in were cut off by the time limits: trickled bytes and silence both end.
  assert.ok(flood.cutOffs.some((l) => l.startsWith('421 4.4.2 Timed out: a command line took more than 1 second')), 'a trickler was cut off');
  assert.ok(flood.cutOffs.some((l) => l.startsWith('421 4.4.2 Timed out: no login or message within 2 seconds')), 'a silent one was cut off');
  await relay.waitForEvents('rejected', flood.cutOffs.length, (e) => e.remoteAddress === '127.0.0.2' && e.stage === 'timeout');

  // Once the flood's sessions have closed, 127.0.0.2 holds nothing: it gets its 20 slots again, and no more.
  const floodSessions = relay.events.flatMap((e) => (e.type === 'session-opened' && e.remoteAddress === '127.0.0.2' ? [e.session] : []));
  await waitUntil('every session of the flood has closed', () => {
    const closed = new Set(relay.events.flatMap((e) => (e.type === 'session-closed' ? [e.session] : [])));
    return floodSessions.every((id) => closed.has(id));
  });
  const again = await Promise.all(Array.from({ length: perClient + 1 }, () => rawSmtp(relay.port, { localAddress: '127.0.0.2' })));
  t.after(() => again.forEach((smtp) => smtp.close()));
  const greetings = await Promise.all(again.map((smtp) => smtp.reply()));
  assert.deepEqual(
    greetings.map((g) => g.code).sort(),
    [...Array<number>(perClient).fill(220), 421],
  );

  const peak = await statusBytes(pid, 'VmHWM');
  t.diagnostic(
    `device: ${sent.length} messages; flood: ${flood.refusals.length} refused, ${flood.cutOffs.length} cut off; relay RSS ${(before / MB).toFixed(1)} MB before, peak ${(peak / MB).toFixed(1)} MB`,
  );
  assert.ok(peak - before < 64 * MB, `the relay grew by ${((peak - before) / MB).toFixed(1)} MB during the flood`);
});

test('fair slots: when floods from two addresses fill the relay, the device still gets in and a logged-in session is never cut off', async (t) => {
  // Each flood address may hold 20 of the 40 slots: two of them fill the relay.
  const session = { ...TEST_LIMITS.session, identifyMs: 60_000, idleMs: 60_000 };
  const { relay, upstream } = await setup(t, { maxConnections: 40, maxConnectionsPerClient: 20, session });
  const loggedIn = await rawSmtp(relay.port, { localAddress: '127.0.0.5' });
  t.after(() => loggedIn.close());
  await loggedIn.reply();
  await loggedIn.command('EHLO app.test');
  assert.equal((await loggedIn.command(`AUTH PLAIN ${plainAuth(DEVICE.name, DEVICE.password)}`)).code, 235);

  const floods = ['127.0.0.2', '127.0.0.3'].map((from) => startFlood({ port: relay.port, from, connections: 30, tricklers: 0, trickleEveryMs: 1000, replace: true }));
  t.after(() => Promise.all(floods.map((f) => f.stop())));
  await Promise.all(floods.map((f) => f.started));
  assert.equal(floods.reduce((sum, f) => sum + f.admitted(), 0), 39, 'the floods hold every slot but the logged-in one');

  const sent = await deviceSends(relay, 5, 'fair');
  for (const result of sent) assert.equal(result.code, 0, result.output);
  assert.deepEqual(rejectedFrom(relay, '127.0.0.1'), [], 'the device was never refused');

  // Room was made by closing flood sessions that had not logged in, with a reply that says why.
  const evicted = relay.events.filter((e): e is Rejected => e.type === 'rejected' && e.stage === 'evicted');
  assert.ok(evicted.length >= 1, 'a flood session made room');
  for (const e of evicted) assert.match(e.remoteAddress, /^127\.0\.0\.[23]$/);
  const evictions = floods.flatMap((f) => f.cutOffs);
  assert.ok(evictions.every((l) => /^421 4\.7\.0 The relay is full and your address 127\.0\.0\.[23] holds the most connections/.test(l)), evictions.join('\n'));
  assert.equal(evictions.length, evicted.length);

  // The logged-in session kept its slot throughout and still sends.
  assert.equal((await loggedIn.command('MAIL FROM:<app@office.example>')).code, 250);
  assert.equal((await loggedIn.command('RCPT TO:<boss@example.org>')).code, 250);
  assert.equal((await loggedIn.command('DATA')).code, 354);
  assert.equal((await loggedIn.command('From: app@office.example\r\nSubject: still here\r\n\r\nbody\r\n.')).code, 250);
  await upstream.waitForMessages(6);
});

test('connections per minute from one address: past the limit 421 4.7.0, others unaffected; IPv4-mapped IPv6 counts as the IPv4 address', async (t) => {
  const { relay } = await setup(t, { maxConnectionRatePerClient: 5 });
  // A second port on every IPv4 and IPv6 address: there an IPv4 client shows as ::ffff:127.0.0.x.
  const dualStack = await freePort(1025, 5000, ['::']);
  await relay.configure({ listeners: [...relay.config.listeners, { port: dualStack, address: '::', encryption: 'none', requireTlsForAuth: false }] });

  const connectOnce = async (port: number, from: string) => {
    const smtp = await rawSmtp(port, { localAddress: from });
    const greeting = await smtp.reply();
    smtp.close();
    return greeting;
  };
  for (const port of [relay.port, relay.port, relay.port, dualStack, dualStack]) assert.equal((await connectOnce(port, '127.0.0.2')).code, 220);
  const refused = await connectOnce(dualStack, '127.0.0.2');
  assert.equal(refused.text, '421 4.7.0 Too many connections from your address 127.0.0.2: at most 5 a minute; try again in a minute');
  assert.equal((await connectOnce(relay.port, '127.0.0.2')).code, 421, 'refused on the other port as well');
  // Another address is not slowed by it.
  for (let i = 0; i < 5; i++) assert.equal((await connectOnce(relay.port, '127.0.0.1')).code, 220);

  const events = await relay.waitForEvents('rejected', 2, (e) => e.stage === 'connect');
  assert.deepEqual(
    events.map((e) => [e.remoteAddress, e.code]),
    [
      ['127.0.0.2', 421],
      ['127.0.0.2', 421],
    ],
  );
});

test('a lower per-address limit applies at once on a port that stays open, and sessions already open keep going', async (t) => {
  const { relay } = await setup(t, {});
  const held = await Promise.all([1, 2, 3].map(() => rawSmtp(relay.port, { localAddress: '127.0.0.2' })));
  t.after(() => held.forEach((smtp) => smtp.close()));
  for (const smtp of held) assert.equal((await smtp.reply()).code, 220);

  await relay.configure({ limits: { ...relay.config.limits, maxConnectionsPerClient: 2 } });
  const fourth = await rawSmtp(relay.port, { localAddress: '127.0.0.2' });
  t.after(() => fourth.close());
  assert.equal((await fourth.reply()).text, '421 4.7.0 Too many connections from your address 127.0.0.2: at most 2 at once; try again when some have closed');
  // The three opened before the change are served as ever: the port was not reopened.
  for (const smtp of held) assert.equal((await smtp.command('EHLO still.test')).code, 250);
});
