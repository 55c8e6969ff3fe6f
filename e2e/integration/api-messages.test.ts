/**
 * The send status through the real host and relay: what happened to every
 * message, recorded in the message history as it happens, there again after
 * a restart and matched to the queue after a crash; refused attempts with
 * their reply codes; the counters; and the supervisor applying settings under
 * a live session.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiError, ok } from '../fixtures/api.js';
import { startDns } from '../fixtures/dns.js';
import { freePort } from '../fixtures/ports.js';
import { plainAuth, rawSmtp } from '../fixtures/raw-smtp.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';
import { senderUser } from '../fixtures/scenario.js';
import { swaks } from '../fixtures/smtp-clients.js';
import { startUpstream } from '../fixtures/upstream.js';

test('delivered, deferred and refused mail shows in the send status, and stays there after a restart', async (t) => {
  const dns = await startDns(t);
  const upstream = await startUpstream(t);
  const relay = await startRelayDesk(t, { upstream, dns });
  const { user, password } = await senderUser(relay, dns, 'office.example');
  const login = ['--tls', '--auth', 'PLAIN', '--auth-user', user, '--auth-password', password];
  const send = (subject: string) =>
    swaks(relay.smtpPort, ['--from', 'clerk@office.example', '--to', 'boss@example.org', '--header', 'From: clerk@office.example', '--header', `Subject: ${subject}`, ...login]);

  assert.equal((await send('Delivered one')).code, 0);
  await upstream.waitForMessages(1);
  await upstream.refuseWith('451 4.3.0 Upstream busy');
  assert.equal((await send('Waiting one')).code, 0);
  await upstream.waitForRefusals(1);

  await relay.waitForMessage((m) => m.subject === 'Waiting one' && m.status === 'deferred');
  await relay.waitForMessage((m) => m.subject === 'Delivered one' && m.status === 'delivered');
  const listed = await ok(relay, 'messages.list', {});
  assert.deepEqual(
    listed.rows.map((m) => m.subject),
    ['Waiting one', 'Delivered one'],
    'newest first',
  );
  const delivered = listed.rows.find((m) => m.subject === 'Delivered one');
  assert.equal(delivered?.user, user);
  assert.equal(delivered.recipients, 1);
  const waiting = listed.rows.find((m) => m.subject === 'Waiting one');
  assert.match(waiting?.lastReply ?? '', /451 4\.3\.0 Upstream busy/);
  assert.ok(waiting?.nextAttemptAt);
  const detail = await ok(relay, 'messages.get', { id: delivered.id });
  assert.deepEqual(
    detail.recipientList.map((r) => [r.address, r.status]),
    [['boss@example.org', 'delivered']],
  );
  const counters = await ok(relay, 'messages.counters', {});
  assert.deepEqual([counters.sentToday, counters.queued, counters.deferred], [1, 1, 1]);
  assert.deepEqual((await ok(relay, 'messages.list', { filter: { status: ['deferred'] } })).rows.map((m) => m.subject), ['Waiting one']);

  await relay.interrupt();
  await upstream.accept();
  const again = await startRelayDesk(t, { upstream, dns, dataDir: relay.dataDir, smtpPort: relay.smtpPort });
  const before = await ok(again, 'messages.list', { filter: { search: 'Delivered one' } });
  assert.equal(before.rows[0]?.status, 'delivered', 'the history survived the restart');
  await upstream.waitForMessages(2);
  await again.waitForMessage((m) => m.subject === 'Waiting one' && m.status === 'delivered');
  assert.equal((await ok(again, 'messages.counters', {})).deferred, 0);
});

test('a delivered message shows its attempt: the upstream it went to and the reply per recipient', async (t) => {
  const dns = await startDns(t);
  const upstream = await startUpstream(t);
  const relay = await startRelayDesk(t, { upstream, dns });
  const { user, password } = await senderUser(relay, dns, 'office.example');
  const sent = await swaks(relay.smtpPort, [
    ...['--from', 'clerk@office.example', '--to', 'boss@example.org', '--header', 'From: Office Clerk <clerk@office.example>', '--header', 'Subject: With its attempt'],
    ...['--tls', '--auth', 'PLAIN', '--auth-user', user, '--auth-password', password],
  ]);
  assert.equal(sent.code, 0, sent.output);
  const row = await relay.waitForMessage((m) => m.subject === 'With its attempt' && m.status === 'delivered');
  const detail = await ok(relay, 'messages.get', { id: row.id });
  assert.equal(detail.attempts, 1);
  assert.equal(detail.attemptList.length, 1);
  assert.equal(detail.attemptList[0]?.remoteHost, `${upstream.host}:${upstream.port}`);
  assert.deepEqual(
    detail.attemptList[0].results.map((r) => [r.recipient, r.status, r.code]),
    [['boss@example.org', 'delivered', 250]],
  );
  assert.match(detail.recipientList[0]?.reply ?? '', /^250 /);
  assert.equal(detail.fromName, 'Office Clerk');
  assert.equal(detail.list, 'SMTP+');
});

test('a refused login and an unauthorized sender show in messages.refusals with their reply codes, and in the counters', async (t) => {
  const dns = await startDns(t);
  const relay = await startRelayDesk(t, { dns });
  const { user, password } = await senderUser(relay, dns, 'office.example');
  const badLogin = await swaks(relay.smtpPort, ['--from', 'clerk@office.example', '--to', 'boss@example.org', '--tls', '--auth', 'PLAIN', '--auth-user', user, '--auth-password', 'wrong']);
  assert.match(badLogin.output, /535 5\.7\.8/);
  const badSender = await swaks(relay.smtpPort, ['--from', 'someone@elsewhere.example', '--to', 'boss@example.org', '--tls', '--auth', 'PLAIN', '--auth-user', user, '--auth-password', password]);
  assert.match(badSender.output, /553 5\.7\.1/);

  await relay.waitForRefusals((rows) => rows.length === 2);
  const refusals = await ok(relay, 'messages.refusals', {});
  assert.deepEqual(
    refusals.rows.map((r) => [r.stage, r.code, r.user]),
    [
      ['mail', 553, user],
      ['auth', 535, null],
    ],
    'newest first',
  );
  assert.match(refusals.rows[0]?.reply ?? '', /^553 5\.7\.1 Sender <someone@elsewhere\.example> is not authorized/);
  assert.equal(refusals.rows[0]?.remoteAddress, '127.0.0.1');
  assert.equal(refusals.total, 2);
  assert.equal((await ok(relay, 'messages.refusals', { filter: { search: 'elsewhere' } })).total, 1);
  assert.equal((await ok(relay, 'messages.counters', {})).refusedToday, 2);
});

test('the messages API refuses bad filters and unknown ids with the field named', async (t) => {
  const relay = await startRelayDesk(t);
  for (const [bad, field] of [
    [{ pageSize: 0 }, 'pageSize'],
    [{ pageSize: 501 }, 'pageSize'],
    [{ filter: { status: ['lost'] } }, 'filter.status.0'],
    [{ filter: { since: 'yesterday' } }, 'filter.since'],
    [{ sort: 'subject' }, 'sort'],
    [{ filter: { search: 'ab' } }, 'filter.search'],
  ] as const) {
    const refused = apiError(await relay.call('messages.list', bad), 400);
    assert.equal(refused.code, 'invalid_input', JSON.stringify(bad));
    assert.equal(refused.field, field);
  }
  assert.match(apiError(await relay.call('messages.list', { extra: true }), 400).message, /extra/);
  const missing = apiError(await relay.call('messages.get', { id: 'NOSUCH' }), 404);
  assert.equal(missing.code, 'not_found');
  const cursor = apiError(await relay.call('messages.exportCsv', { cursor: 'abc' }), 400);
  assert.deepEqual([cursor.code, cursor.field], ['invalid_input', 'cursor']);
  const empty = await ok(relay, 'messages.list', { pageSize: 5, filter: { status: ['bounced'] } });
  assert.deepEqual(empty, { rows: [], total: 0, totalIsLowerBound: false });
});

test('a settings change made while a client is mid-session applies without dropping that session', async (t) => {
  const dns = await startDns(t);
  const upstream = await startUpstream(t);
  const relay = await startRelayDesk(t, { upstream, dns });
  const { user, password } = await senderUser(relay, dns, 'office.example');
  // The device logs in without TLS (this raw client cannot do TLS), which the admin allowed for its port.
  await ok(relay, 'server.setListener', { port: relay.smtpPort, encryption: 'starttls', requireTlsForAuth: false });
  const smtp = await rawSmtp(relay.smtpPort);
  await smtp.reply();
  await smtp.command('EHLO held.test');
  assert.equal((await smtp.command(`AUTH PLAIN ${plainAuth(user, password)}`)).code, 235);
  assert.equal((await smtp.command('MAIL FROM:<clerk@office.example>')).code, 250);

  // The admin adds a port and another user while the device is in the middle of a message.
  const port = await freePort();
  await ok(relay, 'server.setListener', { port, encryption: 'starttls' });
  await ok(relay, 'users.create', { note: 'added mid-session' });
  const state = await relay.waitForRelayState((s) => s.listeners.some((l) => l.port === port && l.status === 'listening'));
  assert.equal(state.listeners.find((l) => l.port === relay.smtpPort)?.status, 'listening');

  assert.equal((await smtp.command('RCPT TO:<boss@example.org>')).code, 250);
  assert.equal((await smtp.command('DATA')).code, 354);
  smtp.send('From: clerk@office.example\r\nSubject: across a settings change\r\n\r\nstill here\r\n.\r\n');
  assert.equal((await smtp.reply()).code, 250);
  await smtp.command('QUIT');
  assert.equal((await upstream.waitForMessages(1)).length, 1);
});

test('a user at the hourly limit stays there when the relay is killed and restarted: the history hands the new relay the hour', async (t) => {
  const dns = await startDns(t);
  const upstream = await startUpstream(t);
  const relay = await startRelayDesk(t, { upstream, dns });
  const { user, password } = await senderUser(relay, dns, 'office.example', { rateLimitPerHour: 2 });
  const send = (subject: string) =>
    swaks(relay.smtpPort, [
      ...['--from', 'clerk@office.example', '--to', 'boss@example.org', '--header', 'From: clerk@office.example', '--header', `Subject: ${subject}`],
      ...['--tls', '--auth', 'PLAIN', '--auth-user', user, '--auth-password', password],
    ]);
  assert.equal((await send('one')).code, 0);
  assert.equal((await send('two')).code, 0);
  await relay.waitForMessage((m) => m.subject === 'two');

  const first = await relay.relayPid();
  assert.ok(first);
  process.kill(first, 'SIGKILL');
  await relay.waitForRelayState((s) => s.status === 'restarting');
  await relay.waitForRelayState((s) => s.status === 'running');
  assert.notEqual(await relay.relayPid(), first, 'a new relay process runs');

  const third = await send('three');
  assert.match(third.output, new RegExp(`451 4\\.7\\.1 SMTP user ${user} has reached its limit of 2 messages per hour`));
  await upstream.waitForMessages(2);
  assert.deepEqual((await ok(relay, 'messages.list', {})).rows.map((m) => m.subject).sort(), ['one', 'two']);
});
