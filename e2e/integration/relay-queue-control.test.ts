/**
 * The admin's hand on the relay's queue, against a real upstream (aiosmtpd):
 * paused delivery holds every message while acceptance goes on, and a resume
 * sends them; retry sends a deferred message at once; delete removes a queued
 * one for good (it never reaches the upstream, not even after a crash); ids
 * the queue does not hold come back as missing.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { test, type TestContext } from 'node:test';
import type { ControlMessage } from '../../relay/protocol.js';
import { relayUser, startRelayChild, type RelayChild } from '../fixtures/relay-child.js';
import { smtplibSend } from '../fixtures/smtp-clients.js';
import { smarthostTo, startUpstream, type Upstream } from '../fixtures/upstream.js';

const USER = { name: 's100_0', password: 'GCuzt.9zbo!x' };
const HOUR = 3_600_000;

async function setup(t: TestContext, retryDelayMs = 200): Promise<{ relay: RelayChild; upstream: Upstream }> {
  const upstream = await startUpstream(t);
  const relay = await startRelayChild(t, {
    users: [await relayUser(USER)],
    delivery: smarthostTo(upstream),
    retry: { delaysMs: [retryDelayMs], maxLifetimeMs: 24 * HOUR },
  });
  return { relay, upstream };
}

/** Sends these messages over one connection; resolves with their queue ids, in order. */
async function send(relay: RelayChild, subjects: string[]): Promise<string[]> {
  const before = relay.events.filter((e) => e.type === 'accepted').length;
  const messages = subjects.map((s) => ['From: scanner@office.example', 'To: boss@example.org', `Subject: ${s}`, '', 'Hello.', ''].join('\r\n'));
  const results = await smtplibSend({ port: relay.port, user: USER.name, password: USER.password, from: 'scanner@office.example', to: ['boss@example.org'], messages });
  assert.ok(results.every((r) => r.ok), JSON.stringify(results));
  const accepted = await relay.waitForEvents('accepted', before + subjects.length);
  return accepted.slice(before).map((e) => e.id);
}

/** Sends a control message answered by 'queue-action-done', and resolves with the answer. */
async function queueAction(relay: RelayChild, message: Extract<ControlMessage, { type: 'retry' | 'delete' }>) {
  relay.child.send(message);
  return relay.waitForEvent('queue-action-done', (e) => e.requestId === message.requestId);
}

async function pause(relay: RelayChild, paused: boolean): Promise<void> {
  const before = relay.events.length;
  relay.child.send({ type: 'pause', paused } satisfies ControlMessage);
  await relay.waitForEvent('queue', (e) => e.paused === paused && relay.events.indexOf(e) >= before);
}

const subjectOf = (raw: Buffer) => /^Subject: (.*)$/m.exec(raw.toString())?.[1];

test('paused: 5 messages are accepted and none is tried; resumed, all 5 are delivered', async (t) => {
  const { relay, upstream } = await setup(t);
  await pause(relay, true);
  const ids = await send(relay, ['one', 'two', 'three', 'four', 'five']);
  // The scheduler looks for due mail right after reporting the count: had it
  // started an attempt, its 'sending' would be in this batch or an earlier one.
  await relay.waitForEvent('queue', (e) => e.queued === 5 && e.paused && relay.events.indexOf(e) > relay.events.findLastIndex((a) => a.type === 'accepted'));
  assert.equal(relay.events.filter((e) => e.type === 'sending').length, 0, 'no attempt started while paused');
  assert.deepEqual(await upstream.received(), []);

  await pause(relay, false);
  const delivered = await relay.waitForEvents('delivered', 5);
  assert.deepEqual(delivered.map((e) => e.id).sort(), [...ids].sort());
  assert.deepEqual((await upstream.waitForMessages(5)).map((m) => subjectOf(m.raw)).sort(), ['five', 'four', 'one', 'three', 'two']);
  await relay.waitForEmptyQueue();
});

test('retry: a message deferred for an hour goes at once; an unknown id comes back missing', async (t) => {
  const { relay, upstream } = await setup(t, HOUR);
  await upstream.refuseWith('451 4.3.0 Upstream busy');
  const [id] = await send(relay, ['deferred']);
  assert.ok(id);
  const deferred = await relay.waitForEvent('deferred', (e) => e.id === id);
  assert.ok(Date.parse(deferred.nextAttemptAt) - Date.now() > HOUR / 2, 'next attempt an hour away');
  await upstream.accept();

  const answer = await queueAction(relay, { type: 'retry', requestId: 'r1', ids: [id, 'NOSUCHMESSAGE1'] });
  assert.deepEqual([answer.done, answer.missing], [[id], ['NOSUCHMESSAGE1']]);
  await relay.waitForEvent('delivered', (e) => e.id === id);
  assert.deepEqual((await upstream.waitForMessages(1)).map((m) => subjectOf(m.raw)), ['deferred']);
});

test('retry-now with a request id answers with every deferred message it made due', async (t) => {
  const { relay, upstream } = await setup(t, HOUR);
  await upstream.refuseWith('451 4.3.0 Upstream busy');
  const ids = await send(relay, ['a', 'b']);
  await relay.waitForEvents('deferred', 2);
  await upstream.accept();
  relay.child.send({ type: 'retry-now', requestId: 'all' } satisfies ControlMessage);
  const answer = await relay.waitForEvent('queue-action-done', (e) => e.requestId === 'all');
  assert.deepEqual([[...answer.done].sort(), answer.missing], [[...ids].sort(), []]);
  await relay.waitForEvents('delivered', 2);
});

test('delete: the message leaves the queue and the spool, never reaches the upstream, not even after a crash', async (t) => {
  const { relay, upstream } = await setup(t);
  await pause(relay, true);
  const [doomed, kept] = await send(relay, ['doomed', 'kept']);
  assert.ok(doomed && kept);

  const answer = await queueAction(relay, { type: 'delete', requestId: 'd1', ids: [doomed, 'NOSUCHMESSAGE2'] });
  assert.deepEqual([answer.done, answer.missing], [[doomed], ['NOSUCHMESSAGE2']]);
  const deleted = await relay.waitForEvent('deleted', (e) => e.id === doomed);
  assert.deepEqual(deleted.recipients, ['boss@example.org']);
  await relay.waitForEvent('queue', (e) => e.queued === 1);
  // Its file may stay as a spare (queue/spare-pool.ts), which no start loads; no queue file or state of it is left.
  const files = await readdir(relay.spoolDir);
  assert.ok(!files.includes(`${doomed}.msg`) && !files.includes(`${doomed}.state`), files.join(' '));

  // A crash right after the answer: the restarted relay, not paused, loads only what was kept.
  await relay.kill('SIGKILL');
  relay.config = { ...relay.config, deliveryPaused: false };
  const again = await relay.restart(t);
  const snapshot = await again.waitForEvent('queue-snapshot');
  assert.deepEqual(snapshot.messages.map((m) => m.id), [kept]);
  await again.waitForEvent('delivered', (e) => e.id === kept);
  await again.waitForEmptyQueue();
  assert.deepEqual((await upstream.received()).map((m) => subjectOf(m.raw)), ['kept']);

  const late = await queueAction(again, { type: 'delete', requestId: 'd2', ids: [doomed, kept] });
  assert.deepEqual([late.done, [...late.missing].sort()], [[], [doomed, kept].sort()]);
});
