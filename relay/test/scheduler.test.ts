/**
 * The scheduler's ordering contract, checked with a deliverer that only
 * records the order it is called in (the real deliverers are exercised
 * end to end in e2e/integration): priority 1 mail goes first, and no more
 * messages are in flight than the concurrency allows.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Deliverer, DeliveryJob, RecipientResult } from '../delivery/types.js';
import type { RelayEvent } from '../events.js';
import type { RetryConfig } from '../protocol.js';
import { Scheduler, type SchedulerOptions } from '../queue/scheduler.js';
import { newQueueId, Spool, type MessageMeta } from '../queue/spool.js';
import { startSpool } from './start-spool.js';

/** A scheduler on `spool` delivering through `deliverer`, never paused, with this retry schedule. */
function testScheduler(spool: Spool, deliverer: Deliverer, retry: RetryConfig, options: Pick<SchedulerOptions, 'emit' | 'concurrency'>): Scheduler {
  return new Scheduler({ spool, retry: () => retry, hostname: () => 'relay.test', deliverer: () => deliverer, paused: () => false, ...options });
}

function meta(priority: number, acceptedAt: number): MessageMeta {
  return {
    v: 1,
    id: newQueueId(),
    envelope: { from: 'a@office.example', to: ['b@example.org'] },
    user: 's1_0',
    via: 'auth',
    priority,
    acceptedAt,
    from: 'a@office.example',
    subject: `priority ${priority}`,
    fromDomain: 'office.example',
    campaign: null,
    tls: false,
  };
}

/** A spool of the given kind in a fresh folder, removed after the test. */
async function openSpool(t: TestContext, Kind: typeof Spool = Spool): Promise<Spool> {
  const dir = await mkdtemp(join(tmpdir(), 'relay-desk-scheduler-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const spool = new Kind(dir);
  await startSpool(spool);
  return spool;
}

/** Delivers everything, a turn of the event loop after being asked. */
class RecordingDeliverer implements Deliverer {
  readonly order: number[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private readonly priorities = new Map<string, number>();

  expect(id: string, priority: number): void {
    this.priorities.set(id, priority);
  }

  async deliver(job: DeliveryJob): Promise<RecipientResult[]> {
    this.order.push(this.priorities.get(job.id) ?? -1);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    this.inFlight--;
    return job.recipients.map((recipient) => ({ recipient, status: 'delivered' as const, response: '250 ok' }));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

test('priority 1 goes before older priority 5 mail, and concurrency bounds what is in flight', async (t) => {
  const spool = await openSpool(t);
  const deliverer = new RecordingDeliverer();
  const events: RelayEvent[] = [];
  let allDelivered: () => void = () => undefined;
  const delivered = new Promise<void>((resolve) => (allDelivered = resolve));
  const scheduler = testScheduler(spool, deliverer, { delaysMs: [1000], maxLifetimeMs: 60_000 }, {
    emit: (e) => {
      events.push(e);
      // The count is emitted after files are removed.
      if (e.type === 'queue' && e.queued === 0 && events.filter((x) => x.type === 'delivered').length === 5) allDelivered();
    },
    concurrency: 2,
  });
  t.after(() => scheduler.stop());
  const now = Date.now();
  const messages = [meta(5, now - 3000), meta(5, now - 2000), meta(3, now - 1000), meta(1, now), meta(5, now - 4000)];
  const stored = [];
  for (const m of messages) {
    deliverer.expect(m.id, m.priority);
    stored.push(await spool.writeWhole(m, Buffer.from(`Subject: ${m.subject}\r\n\r\nbody\r\n`)));
  }
  // All queued in one tick, as after a restart: the first look sees them all.
  for (const m of stored) scheduler.add(m);
  await delivered;
  assert.deepEqual(deliverer.order, [1, 3, 5, 5, 5]);
  assert.equal(deliverer.maxInFlight, 2);
  assert.deepEqual((await startSpool(spool)).length, 0, 'delivered messages leave the spool');
});

/** A spool whose progress file cannot be written, as when the disk is full or the folder vanished. */
class UnwritableStateSpool extends Spool {
  override saveState(): Promise<void> {
    return Promise.reject(new Error('ENOSPC: no space left on device'));
  }
}

test('when progress cannot be saved, the message is reported deferred and tried again after a delay, not in a loop', async (t) => {
  const spool = await openSpool(t, UnwritableStateSpool);
  const attempts: number[] = [];
  const deliverer: Deliverer = {
    deliver: (job) => {
      attempts.push(Date.now());
      return Promise.resolve(job.recipients.map((recipient) => ({ recipient, status: 'deferred' as const, response: '451 4.3.0 busy' })));
    },
    close: () => Promise.resolve(),
  };
  const deferrals: Extract<RelayEvent, { type: 'deferred' }>[] = [];
  let secondDeferral: () => void = () => undefined;
  const twice = new Promise<void>((resolve) => (secondDeferral = resolve));
  const scheduler = testScheduler(spool, deliverer, { delaysMs: [0], maxLifetimeMs: 60_000 }, {
    emit: (e) => {
      if (e.type !== 'deferred') return;
      deferrals.push(e);
      if (deferrals.length === 2) secondDeferral();
    },
    concurrency: 1,
  });
  t.after(() => scheduler.stop());
  scheduler.add(await spool.writeWhole(meta(3, Date.now()), Buffer.from('Subject: x\r\n\r\nbody\r\n')));
  // The scheduler's timers do not keep a process alive (the relay's servers do); this bound does.
  const bound = setTimeout(() => undefined, 10_000);
  t.after(() => clearTimeout(bound));
  await twice;
  assert.match(deferrals[0]?.error ?? '', /could not record this message's progress: ENOSPC/);
  assert.equal(attempts.length, 2);
  assert.ok((attempts[1] ?? 0) - (attempts[0] ?? 0) >= 900, 'the second attempt waited instead of spinning');
});

test('a queue of 150,000 deferred messages does not stop a due one from going out, and is counted right', async (t) => {
  const spool = await openSpool(t);
  const deliverer = new RecordingDeliverer();
  let deliveredOne = false;
  let settle: (counts: RelayEvent) => void = () => undefined;
  /** The queue count reported once the due message is delivered and gone. */
  const settled = new Promise<RelayEvent>((resolve) => (settle = resolve));
  const scheduler = testScheduler(spool, deliverer, { delaysMs: [3_600_000], maxLifetimeMs: 5 * 86_400_000 }, {
    emit: (e) => {
      if (e.type === 'delivered') deliveredOne = true;
      if (e.type === 'queue' && deliveredOne && e.queued === 150_000) settle(e);
    },
    concurrency: 4,
  });
  t.after(() => scheduler.stop());
  // A day of mail held back by a dead upstream, next tried in an hour. Only what the
  // scheduler reads is needed: none of these is due, so none touches the spool.
  const now = Date.now();
  for (let i = 0; i < 150_000; i++) {
    const m = meta(5, now - 86_400_000 + i);
    scheduler.add({ meta: m, bodyOffset: 0, state: { attempts: 3, nextAttemptAt: now + 3_600_000 + i, pending: m.envelope.to, failed: [] } });
  }
  const urgent = meta(1, now);
  deliverer.expect(urgent.id, 1);
  scheduler.add(await spool.writeWhole(urgent, Buffer.from('Subject: urgent\r\n\r\nbody\r\n')));
  assert.deepEqual(await settled, { type: 'queue', queued: 150_000, deferred: 150_000, nextAttemptAt: new Date(now + 3_600_000).toISOString(), paused: false });
  assert.deepEqual(deliverer.order, [1], 'the due message went out; none of the waiting ones did');
});

test('retry now: mail deferred for an hour is tried at once, and the queue count says when the next attempt is', async (t) => {
  const spool = await openSpool(t);
  let upstreamUp = false;
  const deliverer: Deliverer = {
    deliver: (job) =>
      Promise.resolve(
        job.recipients.map((recipient) =>
          upstreamUp ? { recipient, status: 'delivered' as const, response: '250 2.0.0 Ok' } : { recipient, status: 'deferred' as const, response: '451 4.3.0 busy' },
        ),
      ),
    close: () => Promise.resolve(),
  };
  const events: RelayEvent[] = [];
  const waiters: { until: (e: RelayEvent) => boolean; resolve: (e: RelayEvent) => void }[] = [];
  const next = (until: (e: RelayEvent) => boolean) => new Promise<RelayEvent>((resolve) => waiters.push({ until, resolve }));
  const scheduler = testScheduler(spool, deliverer, { delaysMs: [3_600_000], maxLifetimeMs: 5 * 86_400_000 }, {
    emit: (e) => {
      events.push(e);
      for (const w of [...waiters]) {
        if (!w.until(e)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    },
    concurrency: 1,
  });
  t.after(() => scheduler.stop());

  const waiting = next((e) => e.type === 'queue' && e.deferred === 1);
  const before = Date.now();
  scheduler.add(await spool.writeWhole(meta(3, Date.now()), Buffer.from('Subject: x\r\n\r\nbody\r\n')));
  const deferred = await waiting;
  assert.equal(deferred.type === 'queue' && deferred.queued, 1);
  const nextAttemptAt = Date.parse((deferred.type === 'queue' && deferred.nextAttemptAt) || '');
  assert.ok(nextAttemptAt >= before + 3_600_000 && nextAttemptAt <= Date.now() + 3_600_000, 'the next attempt is in an hour');

  upstreamUp = true;
  const empty = next((e) => e.type === 'queue' && e.queued === 0);
  scheduler.retryNow();
  assert.deepEqual(await empty, { type: 'queue', queued: 0, deferred: 0, nextAttemptAt: null, paused: false });
  assert.deepEqual(
    events.filter((e) => e.type === 'delivered' || e.type === 'deferred').map((e) => e.type),
    ['deferred', 'delivered'],
  );
});

test('delete during an attempt waits for it: a deferred message is then deleted and never tried again; a delivered one is missing', async (t) => {
  const spool = await openSpool(t);
  /** Each attempt waits for the test to answer it: deferred or delivered. */
  const answers: ((status: 'deferred' | 'delivered') => void)[] = [];
  const started: string[] = [];
  let attemptStarted: () => void = () => undefined;
  const deliverer: Deliverer = {
    deliver: (job) => {
      started.push(job.id);
      attemptStarted();
      return new Promise((resolve) =>
        answers.push((status) => resolve(job.recipients.map((recipient) => ({ recipient, status, response: status === 'delivered' ? '250 ok' : '451 busy' })))),
      );
    },
    close: () => Promise.resolve(),
  };
  const events: RelayEvent[] = [];
  const scheduler = testScheduler(spool, deliverer, { delaysMs: [0], maxLifetimeMs: 60_000 }, { emit: (e) => events.push(e), concurrency: 5 });
  t.after(() => scheduler.stop());
  const inAttempt = async () => {
    const stored = await spool.writeWhole(meta(3, Date.now()), Buffer.from('Subject: x\r\n\r\nbody\r\n'));
    const started = new Promise<void>((resolve) => (attemptStarted = resolve));
    scheduler.add(stored);
    await started;
    return stored.meta.id;
  };

  const deferredId = await inAttempt();
  const deleting = scheduler.delete([deferredId]);
  answers.shift()?.('deferred');
  // A retry delay of 0 would start it again at once, were it not deleted first.
  assert.deepEqual(await deleting, { done: [deferredId], missing: [] });
  assert.deepEqual(
    events.filter((e) => 'id' in e && e.id === deferredId).map((e) => e.type),
    ['sending', 'attempt', 'deferred', 'deleted'],
  );

  const deliveredId = await inAttempt();
  const tooLate = scheduler.delete([deliveredId]);
  answers.shift()?.('delivered');
  assert.deepEqual(await tooLate, { done: [], missing: [deliveredId] });
  assert.deepEqual(started, [deferredId, deliveredId], 'the deleted message was not tried again');
  assert.equal(scheduler.counts().queued, 0);
});
