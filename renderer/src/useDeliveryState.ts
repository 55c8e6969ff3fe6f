import { useEffect, useState } from 'react';
import type { ApiClient } from '#api/client.js';
import type { DeliveryState } from '#api/schemas/delivery.js';

/** How delivery to the upstream is going: fetched once, then kept current by the event stream. */
export function useDeliveryState(client: ApiClient): DeliveryState | null {
  const [state, setState] = useState<DeliveryState | null>(null);
  useEffect(() => {
    // Subscribe first so no change between the fetch and the subscription is missed.
    const unsubscribe = client.on('delivery.state', setState);
    client.call('delivery.status', {}).then(
      (fetched) => setState((current) => current ?? fetched),
      // The relay's own state already reports an unreachable host; this one simply stays unknown.
      () => undefined,
    );
    return unsubscribe;
  }, [client]);
  return state;
}
