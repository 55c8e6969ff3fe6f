/**
 * The relay's delivery thread: the scheduler and the deliverers run here, on
 * the second core, while the main thread speaks SMTP and writes the spool.
 * Every message it is given is already committed to the spool.
 */
import { parentPort } from 'node:worker_threads';
import { createDeliverer } from '../delivery/index.js';
import type { Deliverer } from '../delivery/types.js';
import type { RelayEvent } from '../events.js';
import type { DeliverySettings, FromDeliveryThread, ToDeliveryThread } from './delivery-protocol.js';
import { Scheduler } from './scheduler.js';
import { Spool } from './spool.js';

/** Messages delivered at the same time. */
const DELIVERY_CONCURRENCY = 20;
/** Events go to the main thread in batches, like the main thread's own to the host. */
const EVENT_BATCH_MS = 10;

const port = parentPort;
if (!port) throw new Error('delivery-worker.js runs as a worker thread of the relay');

const post = (message: FromDeliveryThread) => port.postMessage(message);
let batch: RelayEvent[] = [];
function emit(event: RelayEvent): void {
  if (batch.length === 0) {
    setTimeout(() => {
      const events = batch;
      batch = [];
      post({ type: 'events', events });
    }, EVENT_BATCH_MS);
  }
  batch.push(event);
}

let settings: DeliverySettings | null = null;
let scheduler: Scheduler | null = null;
let deliverer: Deliverer | null = null;
let deliveryKey = '';

function current(): DeliverySettings {
  if (!settings) throw new Error('delivery used before it was set up');
  return settings;
}

async function apply(next: DeliverySettings): Promise<void> {
  settings = next;
  const key = JSON.stringify([next.delivery, next.dkim, next.hostname]);
  if (key !== deliveryKey) {
    deliveryKey = key;
    const old = deliverer;
    deliverer = next.delivery ? createDeliverer(next.delivery, { hostname: next.hostname, dkim: next.dkim }) : null;
    await old?.close();
  }
  scheduler?.kick();
}

async function handle(message: ToDeliveryThread): Promise<void> {
  switch (message.type) {
    case 'start': {
      await apply(message.settings);
      scheduler = new Scheduler({
        spool: new Spool(message.spoolDir),
        retry: () => current().retry,
        hostname: () => current().hostname,
        deliverer: () => deliverer,
        emit,
        concurrency: DELIVERY_CONCURRENCY,
      });
      for (const stored of message.messages) scheduler.add(stored);
      return;
    }
    case 'settings':
      return apply(message.settings);
    case 'add':
      scheduler?.add(message.message);
      return;
    case 'stop':
      await scheduler?.stop();
      await deliverer?.close();
      post({ type: 'events', events: batch });
      batch = [];
      post({ type: 'stopped' });
      return;
  }
}

// One message at a time, in order: settings before the mail that needs them.
let chain: Promise<void> = Promise.resolve();
port.on('message', (message: ToDeliveryThread) => {
  chain = chain.then(() => handle(message));
});
