/**
 * How delivery to the upstream is going, derived from the relay's events
 * (no question is asked of the relay): the last message handed on, the last
 * attempt that left mail waiting, and what waits now. Delivery is failing
 * while the latest outcome was a deferral and mail still waits; one delivery
 * since then says the upstream answers again.
 */
import { EventEmitter } from 'node:events';
import type { RelayEvent } from '../../relay/events.js';
import type { DeliveryState } from '../api/schemas/delivery.js';
import type { StoreData } from './store/schema.js';

/** What the history remembers of the last delivery and the last failure that left mail waiting. */
export interface Remembered {
  lastDelivery: { at: string } | null;
  lastFailure: { at: string; error: string } | null;
}

export class DeliveryTracker extends EventEmitter<{ change: [] }> {
  private lastDelivery: DeliveryState['lastDelivery'] = null;
  private lastFailure: DeliveryState['lastFailure'] = null;
  private latest: 'delivered' | 'deferred' | null = null;
  private waiting = 0;
  private nextAttemptAt: string | null = null;
  private changePending = false;

  /** `remembered`: from the message history, so that a restart does not forget when mail last went out or failed. */
  constructor(
    private readonly upstream: () => StoreData['upstream'],
    remembered: Remembered = { lastDelivery: null, lastFailure: null },
  ) {
    super();
    if (remembered.lastDelivery) this.lastDelivery = { at: remembered.lastDelivery.at, response: null };
    this.lastFailure = remembered.lastFailure;
    if (this.lastDelivery || this.lastFailure) this.latest = (this.lastFailure?.at ?? '') > (this.lastDelivery?.at ?? '') ? 'deferred' : 'delivered';
  }

  record(event: RelayEvent): void {
    const at = new Date().toISOString();
    switch (event.type) {
      case 'delivered':
        this.lastDelivery = { at, response: event.response };
        this.latest = 'delivered';
        break;
      case 'deferred':
        this.lastFailure = { at, error: event.error };
        this.latest = 'deferred';
        break;
      case 'queue':
        this.waiting = event.deferred;
        this.nextAttemptAt = event.nextAttemptAt;
        break;
      default:
        return;
    }
    this.changed();
  }

  /** Announces the state once per tick however many events came in it (a busy relay reports many deliveries per batch). */
  changed(): void {
    if (this.changePending) return;
    this.changePending = true;
    setImmediate(() => {
      this.changePending = false;
      this.emit('change');
    });
  }

  view(): DeliveryState {
    return {
      upstream: upstreamOf(this.upstream()),
      failing: this.latest === 'deferred' && this.waiting > 0,
      lastDelivery: this.lastDelivery,
      lastFailure: this.lastFailure,
      waiting: this.waiting,
      nextAttemptAt: this.nextAttemptAt,
    };
  }
}

function upstreamOf(upstream: StoreData['upstream']): DeliveryState['upstream'] {
  switch (upstream.mode) {
    case 'none':
      return { mode: 'none' };
    case 'smarthost':
      return { mode: 'smarthost', host: upstream.host, port: upstream.port };
    case 'mx':
      return { mode: 'mx', port: upstream.port };
  }
}
