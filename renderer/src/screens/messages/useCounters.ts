import { useEffect, useState } from 'react';
import type { ApiClient } from '#api/client.js';
import type { Counters } from '#api/schemas/messages.js';

/** The counters above the messages: fetched once, then pushed by the host as they change (no polling). */
export function useCounters(client: ApiClient): Counters | null {
  const [counters, setCounters] = useState<Counters | null>(null);
  useEffect(() => {
    const unsubscribe = client.on('messages.counters', setCounters);
    client.call('messages.counters', {}).then(
      (fetched) => setCounters((current) => current ?? fetched),
      () => undefined,
    );
    return unsubscribe;
  }, [client]);
  return counters;
}
