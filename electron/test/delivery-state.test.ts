/**
 * The delivery state the Status screen and the app bar's chip show, from the
 * relay's events as they come: failing while the latest attempt left mail
 * waiting, answered again by one delivery; what the history remembers after a
 * restart; and one announcement per tick however busy the relay is.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import type { RelayEvent } from '../../relay/events.js';
import { DeliveryTracker } from '../host/delivery-state.js';
import { History } from '../host/history/history.js';
import { accepted, tempDir } from './history-fixture.js';
import type { StoreData } from '../host/store/schema.js';

const SMARTHOST: StoreData['upstream'] = { mode: 'smarthost', host: 'smtp.example.com', port: 587, security: 'starttls', user: null, rejectUnauthorized: true, oauth: null };
const IN_A_MINUTE = new Date(Date.now() + 60_000).toISOString();

const delivered = (id: string): RelayEvent => ({ type: 'delivered', id, recipients: ['boss@example.org'], response: '250 2.0.0 Ok: queued as 4F2' });
const deferred = (id: string, error = '421 4.3.2 Service shutting down'): RelayEvent => ({
  type: 'deferred',
  id,
  recipients: ['boss@example.org'],
  error,
  attempts: 1,
  nextAttemptAt: IN_A_MINUTE,
});
const queue = (queued: number, waiting: number, nextAttemptAt: string | null): RelayEvent => ({ type: 'queue', queued, deferred: waiting, nextAttemptAt, paused: false });

test('a dead upstream is failing with its answer and the next attempt; one delivery later it is not', () => {
  const tracker = new DeliveryTracker(() => SMARTHOST);
  assert.deepEqual(tracker.view(), {
    upstream: { mode: 'smarthost', host: 'smtp.example.com', port: 587 },
    failing: false,
    lastDelivery: null,
    lastFailure: null,
    waiting: 0,
    nextAttemptAt: null,
  });
  tracker.record(deferred('a', 'smarthost smtp.example.com:587: connect ECONNREFUSED 127.0.0.1:587'));
  tracker.record(queue(1, 1, IN_A_MINUTE));
  const failing = tracker.view();
  assert.equal(failing.failing, true);
  assert.equal(failing.lastFailure?.error, 'smarthost smtp.example.com:587: connect ECONNREFUSED 127.0.0.1:587');
  assert.deepEqual([failing.waiting, failing.nextAttemptAt], [1, IN_A_MINUTE]);

  tracker.record(delivered('a'));
  tracker.record(queue(0, 0, null));
  const answered = tracker.view();
  assert.equal(answered.failing, false);
  assert.equal(answered.lastDelivery?.response, '250 2.0.0 Ok: queued as 4F2');
  assert.equal(answered.lastFailure?.error, 'smarthost smtp.example.com:587: connect ECONNREFUSED 127.0.0.1:587', 'the last failure stays shown');
  assert.deepEqual([answered.waiting, answered.nextAttemptAt], [0, null]);
});

test('one recipient put off while the upstream delivers the rest is not "delivery failing"; a put-off with nothing waiting is not either', () => {
  const tracker = new DeliveryTracker(() => SMARTHOST);
  tracker.record(deferred('a', '452 4.2.2 Mailbox full'));
  tracker.record(delivered('b'));
  tracker.record(queue(1, 1, IN_A_MINUTE));
  assert.equal(tracker.view().failing, false);

  tracker.record(deferred('a', '452 4.2.2 Mailbox full'));
  assert.equal(tracker.view().failing, true, 'the latest outcome is a deferral and mail waits');
  tracker.record(queue(0, 0, null));
  assert.equal(tracker.view().failing, false, 'nothing waits any more (bounced at the end of its lifetime)');
});

test('after a restart the message history says when mail last went out and the last failure', async (t) => {
  const { history } = await History.open(await tempDir(t), { retentionDays: () => 30 });
  t.after(() => history.close());
  const at = (hour: number) => Date.parse(`2030-01-01T${String(hour).padStart(2, '0')}:00:00.000Z`);
  for (const id of ['a', 'b', 'c', 'd']) history.record(accepted(id), at(9));
  history.record(delivered('a'), at(10));
  history.record(delivered('b'), at(11));
  history.record(deferred('c', '451 4.7.1 Greylisted'), at(12));
  history.record({ type: 'bounced', id: 'd', recipients: ['boss@example.org'], reason: '550 5.1.1 No such user', bounceId: null }, at(13));
  await history.flushed();

  const tracker = new DeliveryTracker(() => ({ mode: 'mx', port: 25 }), history.lastOutcomes());
  const view = tracker.view();
  assert.deepEqual(view.upstream, { mode: 'mx', port: 25 });
  assert.deepEqual(view.lastDelivery, { at: '2030-01-01T11:00:00.000Z', response: null });
  assert.deepEqual(view.lastFailure, { at: '2030-01-01T12:00:00.000Z', error: '451 4.7.1 Greylisted' });
  assert.equal(view.failing, false, 'until the new relay says something waits');
  tracker.record(queue(1, 1, IN_A_MINUTE));
  assert.equal(tracker.view().failing, true);
});

test('a busy tick of events is announced once', async () => {
  const tracker = new DeliveryTracker(() => SMARTHOST);
  let announced = 0;
  tracker.on('change', () => announced++);
  for (let i = 0; i < 500; i++) tracker.record(delivered(String(i)));
  tracker.record({ type: 'session-closed', session: 's' });
  await once(tracker, 'change');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(announced, 1);
});
