import type { ApiClient } from '#api/client.js';
import type { DeliveryState } from '#api/schemas/delivery.js';
import { useLiveValue } from './components/useLiveValue.js';

const fetchDelivery = (client: ApiClient) => client.call('delivery.status', {});

/** How delivery to the upstream is going, kept current by the event stream. */
export function useDeliveryState(client: ApiClient): DeliveryState | null {
  return useLiveValue(client, 'delivery.state', fetchDelivery)[0];
}
