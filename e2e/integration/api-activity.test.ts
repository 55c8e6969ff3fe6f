/**
 * The send status: what happened to every message, recorded in the journal
 * as it happens, there again after a restart, and matched to the queue after
 * a crash. And the supervisor applying settings under a live session.
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
  const refused = await swaks(relay.smtpPort, ['--from', 'someone@elsewhere.example', '--to', 'boss@example.org', ...login]);
  assert.match(refused.output, /553 5\.7\.1/);

  await relay.waitForMessage((m) => m.subject === 'Waiting one' && m.status === 'deferred');
  await relay.waitForMessage((m) => m.subject === 'Delivered one' && m.status === 'delivered');
  const listed = await ok(relay, 'activity.list', {});
  const delivered = listed.messages.find((m) => m.subject === 'Delivered one');
  assert.equal(delivered?.status, 'delivered');
  assert.equal(delivered.user, user);
  assert.deepEqual(delivered.to, ['boss@example.org']);
  const waiting = listed.messages.find((m) => m.subject === 'Waiting one');
  assert.match(waiting?.lastError ?? '', /451 4\.3\.0 Upstream busy/);
  assert.ok(waiting?.nextAttemptAt);
  assert.equal(listed.counts.deferred, 1);
  assert.equal(listed.counts.deliveredToday, 1);
  assert.match(listed.refusals[0]?.reply ?? '', /553 5\.7\.1 Sender <someone@elsewhere\.example> is not authorized/);

  await relay.interrupt();
  await upstream.accept();
  const again = await startRelayDesk(t, { upstream, dns, dataDir: relay.dataDir, smtpPort: relay.smtpPort });
  const before = await ok(again, 'activity.list', {});
  assert.equal(before.messages.find((m) => m.subject === 'Delivered one')?.status, 'delivered', 'the journal survived the restart');
  await upstream.waitForMessages(2);
  await again.waitForMessage((m) => m.subject === 'Waiting one' && m.status === 'delivered');
  assert.equal((await ok(again, 'activity.list', {})).counts.deferred, 0);
});

test('activity.list refuses bad filters with the field named', async (t) => {
  const relay = await startRelayDesk(t);
  for (const bad of [{ limit: 0 }, { limit: 1001 }, { status: 'lost' }, { user: 'x'.repeat(65) }]) {
    const refused = apiError(await relay.call('activity.list', bad), 400);
    assert.equal(refused.code, 'invalid_input', JSON.stringify(bad));
    assert.equal(refused.field, Object.keys(bad)[0]);
  }
  const unknown = apiError(await relay.call('activity.list', { extra: true }), 400);
  assert.match(unknown.message, /extra/);
  const empty = await ok(relay, 'activity.list', { limit: 5, status: 'bounced' });
  assert.deepEqual(empty.messages, []);
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

test('a user at the hourly limit stays there when the relay is killed and restarted: the journal hands the new relay the hour', async (t) => {
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
  assert.deepEqual((await ok(relay, 'activity.list', {})).messages.map((m) => m.subject).sort(), ['one', 'two']);
});
