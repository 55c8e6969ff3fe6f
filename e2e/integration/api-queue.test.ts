/**
 * Queue control through the real host (API and CLI), its relay and a real
 * upstream (aiosmtpd): a pause outlives a restart of the host, deleted mail
 * never goes out, and ids that are not queue ids are refused with the reason.
 * That a paused relay starts no attempt at all is shown event by event in
 * relay-queue-control.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiError, ok } from '../fixtures/api.js';
import { assertOneLineError, cli, cliOk } from '../fixtures/cli.js';
import { startDns } from '../fixtures/dns.js';
import { startRelayDesk, type RelayDesk } from '../fixtures/relay-desk.js';
import { senderUser } from '../fixtures/scenario.js';
import { swaks } from '../fixtures/smtp-clients.js';
import { startUpstream } from '../fixtures/upstream.js';

const at = (relay: RelayDesk) => ['--data-dir', relay.dataDir];

/** Sends one message with swaks; resolves with its queue id. */
async function send(relay: RelayDesk, login: { user: string; password: string }, subject: string): Promise<string> {
  const sent = await swaks(relay.smtpPort, [
    '--from', 'clerk@office.example', '--to', 'boss@example.org', '--header', 'From: clerk@office.example', '--header', `Subject: ${subject}`,
    '--tls', '--auth', 'PLAIN', '--auth-user', login.user, '--auth-password', login.password,
  ]);
  const id = /queued as ([0-9A-Z]+)/.exec(sent.output)?.[1];
  assert.ok(id, sent.output);
  return id;
}

test('queue.pause survives a host restart: mail is queued, the upstream gets nothing until queue.resume', async (t) => {
  const dns = await startDns(t);
  const upstream = await startUpstream(t);
  const relay = await startRelayDesk(t, { upstream, dns });
  const login = await senderUser(relay, dns, 'office.example');
  assert.deepEqual(await ok(relay, 'queue.pause', {}), { paused: true, queued: 0, deferred: 0 });
  await relay.interrupt();

  const again = await startRelayDesk(t, { upstream, dns, dataDir: relay.dataDir, smtpPort: relay.smtpPort });
  assert.equal((await ok(again, 'queue.status', {})).paused, true);
  await send(again, login, 'Held');
  await again.waitForRelayState((s) => s.status === 'running' && s.queued === 1);
  assert.deepEqual(await ok(again, 'queue.status', {}), { paused: true, queued: 1, deferred: 0 });
  assert.deepEqual(await upstream.received(), []);

  assert.equal((await ok(again, 'queue.resume', {})).paused, false);
  const [received] = await upstream.waitForMessages(1);
  assert.match(received?.raw.toString() ?? '', /^Subject: Held$/m);
  await again.waitForRelayState((s) => s.queued === 0);
  assert.equal(await cliOk(['queue', 'status', ...at(again)]), 'Delivery is running: 0 messages queued, 0 deferred.\n');
});

test('queue.delete through the API and the CLI: the messages are gone and never reach the upstream; gone ids are named', async (t) => {
  const dns = await startDns(t);
  const upstream = await startUpstream(t);
  const relay = await startRelayDesk(t, { upstream, dns });
  const login = await senderUser(relay, dns, 'office.example');
  assert.equal(await cliOk(['queue', 'pause', ...at(relay)]), 'Delivery is paused (mail is accepted and queued): 0 messages queued, 0 deferred.\n');
  const first = await send(relay, login, 'First');
  const second = await send(relay, login, 'Second');
  await relay.waitForRelayState((s) => s.queued === 2);
  await relay.waitForMessage((m) => m.id === second);
  const waiting = (await cliOk(['queue', 'ls', ...at(relay)])).trimEnd().split('\n');
  assert.match(waiting[0] ?? '', /^ACCEPTED +QUEUE ID +STATUS +USER +FROM +RCPTS +ATTEMPTS +NEXT ATTEMPT +LAST REPLY$/);
  assert.deepEqual(
    waiting.slice(1).map((line) => line.split(/ {2,}/).slice(1, 3)),
    [
      [first, 'queued'],
      [second, 'queued'],
    ],
    'oldest first',
  );

  assert.deepEqual(await ok(relay, 'queue.delete', { ids: [first] }), { done: [first], missing: [] });
  assert.equal(await cliOk(['queue', 'delete', second, ...at(relay)]), `Deleted: ${second}\n`);
  assertOneLineError(await cli(['queue', 'delete', first, ...at(relay)]), new RegExp(`^relay-desk: Not in the queue .*: ${first}$`));
  assert.deepEqual(await ok(relay, 'queue.retry', { ids: [second] }), { done: [], missing: [second] });
  await relay.waitForRelayState((s) => s.queued === 0);
  await relay.waitForMessage((m) => m.id === second && m.status === 'deleted');
  assert.equal(await cliOk(['queue', 'ls', ...at(relay)]), 'The queue is empty.\n');

  // Resumed with an empty queue: a message sent now is the first the upstream ever gets.
  await ok(relay, 'queue.resume', {});
  await send(relay, login, 'After');
  const received = await upstream.waitForMessages(1);
  assert.deepEqual(received.map((m) => /^Subject: (.*)$/m.exec(m.raw.toString())?.[1]), ['After']);
});

test('ids that are not queue ids are refused with the reason, by the API and the CLI', async (t) => {
  const relay = await startRelayDesk(t);
  const bad = apiError(await relay.call('queue.delete', { ids: ['../settings.json'] }), 400);
  assert.equal(bad.code, 'invalid_input');
  assert.match(bad.message, /not a queue id/);
  assert.equal(apiError(await relay.call('queue.delete', { ids: [] }), 400).code, 'invalid_input');
  assert.equal(apiError(await relay.call('queue.retry', { ids: ['ABC'], allDeferred: true }), 400).code, 'invalid_input');
  assertOneLineError(await cli(['queue', 'delete', 'no-such/id', ...at(relay)]), /not a queue id/);
  assertOneLineError(await cli(['queue', 'retry', ...at(relay)]), /^relay-desk: queue retry needs ID\.\.\. or --all-deferred; see relay-desk queue retry --help$/);
  assertOneLineError(await cli(['queue', 'retry', 'ABC', '--all-deferred', ...at(relay)]), /give either IDs or --all-deferred/);
  const all = await ok(relay, 'queue.retry', { allDeferred: true });
  assert.deepEqual(all, { done: [], missing: [] });
});
