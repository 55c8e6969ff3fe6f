/**
 * The main thread's handle on the delivery thread (./delivery-worker.ts). If
 * that thread dies, the relay process exits, and the host's supervisor
 * restarts it: the spool holds everything, so nothing is lost.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { RelayEvent } from '../events.js';
import type { DeliverySettings, FromDeliveryThread, ToDeliveryThread } from './delivery-protocol.js';
import type { StoredMessage } from './spool.js';

export class DeliveryThread {
  private readonly worker: Worker;
  private stopping = false;

  constructor(emit: (event: RelayEvent) => void) {
    this.worker = new Worker(new URL('./delivery-worker.js', import.meta.url));
    this.worker.on('message', (message: FromDeliveryThread) => {
      if (message.type === 'events') for (const event of message.events) emit(event);
    });
    this.worker.on('error', (err) => {
      console.error('relay: the delivery thread failed:', err);
      process.exit(1);
    });
    this.worker.on('exit', (code) => {
      if (this.stopping) return;
      console.error(`relay: the delivery thread exited (${code})`);
      process.exit(1);
    });
  }

  private send(message: ToDeliveryThread): void {
    this.worker.postMessage(message);
  }

  start(spoolDir: string, settings: DeliverySettings, messages: StoredMessage[]): void {
    this.send({ type: 'start', spoolDir, settings, messages });
  }

  configure(settings: DeliverySettings): void {
    this.send({ type: 'settings', settings });
  }

  add(message: StoredMessage): void {
    this.send({ type: 'add', message });
  }

  /** Lets running deliveries finish, then ends the thread. */
  async stop(): Promise<void> {
    this.stopping = true;
    const stopped = new Promise<void>((resolve) => {
      this.worker.on('message', (message: FromDeliveryThread) => {
        if (message.type === 'stopped') resolve();
      });
    });
    this.send({ type: 'stop' });
    await Promise.race([stopped, once(this.worker, 'exit')]);
    await this.worker.terminate();
  }
}
