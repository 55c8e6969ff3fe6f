/**
 * Queue control: pause and resume delivery (recorded in the settings, so a
 * restarted relay starts paused too), retry and delete queued messages, and
 * the queue's state, kept from the relay's 'queue' events and pushed as the
 * 'queue.state' event whenever it changes.
 */
import { EventEmitter } from 'node:events';
import type { RelayEvent } from '../../../relay/events.js';
import { ApiError, type ApiImplementation, type RelayState } from '../../api/contract.js';
import type { QueueState } from '../../api/schemas/queue.js';
import type { HostContext } from '../context.js';
import type { QueueActionResult } from '../relay-supervisor.js';

export interface QueueRelay {
  readonly state: RelayState;
  pause(paused: boolean): void;
  retryMessages(ids: string[] | 'all-deferred'): Promise<QueueActionResult>;
  deleteMessages(ids: string[]): Promise<QueueActionResult>;
}

/** What the queue holds, from the relay's events; paused from the settings, which are the truth across restarts. */
export class QueueTracker extends EventEmitter<{ change: [QueueState] }> {
  private queued = 0;
  private deferred = 0;

  constructor(private readonly paused: () => boolean) {
    super();
  }

  view(): QueueState {
    return { paused: this.paused(), queued: this.queued, deferred: this.deferred };
  }

  record(event: RelayEvent): void {
    if (event.type !== 'queue' || (event.queued === this.queued && event.deferred === this.deferred)) return;
    this.queued = event.queued;
    this.deferred = event.deferred;
    this.changed();
  }

  changed(): void {
    this.emit('change', this.view());
  }
}

type QueueMethods = 'queue.status' | 'queue.pause' | 'queue.resume' | 'queue.retry' | 'queue.delete';

export function queueService(ctx: HostContext, tracker: QueueTracker, relay: QueueRelay): Pick<ApiImplementation, QueueMethods> {
  const setPaused = async (paused: boolean) => {
    if (ctx.store.data.deliveryPaused !== paused) {
      await ctx.store.update((draft) => void (draft.deliveryPaused = paused));
      relay.pause(paused);
      tracker.changed();
    }
    return tracker.view();
  };
  const running = () => {
    if (relay.state.status !== 'running') {
      throw new ApiError('relay_not_running', 'The relay is not running right now, so its queue cannot be changed; try again once it has started.');
    }
  };
  return {
    'queue.status': () => Promise.resolve(tracker.view()),
    'queue.pause': () => setPaused(true),
    'queue.resume': () => setPaused(false),
    'queue.retry': async (input) => {
      running();
      return relay.retryMessages('ids' in input ? input.ids : 'all-deferred');
    },
    'queue.delete': async (input) => {
      running();
      return relay.deleteMessages(input.ids);
    },
  };
}
