/** The upstream's delivery state, and the admin's "Retry now" for mail waiting after a failure. */
import { ApiError, type ApiImplementation, type RelayState } from '../../api/contract.js';
import type { DeliveryTracker } from '../delivery-state.js';

export interface DeliveryRelay {
  readonly state: RelayState;
  retryNow(): void;
}

export function deliveryService(tracker: DeliveryTracker, relay: DeliveryRelay): Pick<ApiImplementation, 'delivery.status' | 'delivery.retryNow'> {
  return {
    'delivery.status': () => Promise.resolve(tracker.view()),
    'delivery.retryNow': () => {
      if (relay.state.status !== 'running') {
        throw new ApiError('relay_not_running', 'The relay is not running right now; it tries waiting mail again as soon as it has started.');
      }
      relay.retryNow();
      return Promise.resolve(tracker.view());
    },
  };
}
