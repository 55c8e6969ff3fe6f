import { useEffect, useState } from 'react';
import type { ApiClient } from '#api/client.js';
import type { EventName, EventPayload } from '#api/contract.js';

/**
 * A value the host pushes as an event whenever it changes: fetched once, then
 * kept current by the event stream (no polling). `fetch` must be stable (a
 * module-level function), as it is only called when the client changes.
 */
export function useLiveValue<E extends EventName>(
  client: ApiClient,
  event: E,
  fetch: (client: ApiClient) => Promise<EventPayload<E>>,
): [EventPayload<E> | null, (value: EventPayload<E>) => void] {
  const [value, setValue] = useState<EventPayload<E> | null>(null);
  useEffect(() => {
    // Subscribe first so no change between the fetch and the subscription is missed.
    const unsubscribe = client.on(event, setValue);
    fetch(client).then(
      (fetched) => setValue((current) => current ?? fetched),
      // The relay's own state already reports an unreachable host; this value simply stays unknown.
      () => undefined,
    );
    return unsubscribe;
  }, [client, event, fetch]);
  return [value, setValue];
}
