import { useEffect, useState } from 'react';
import type { ApiClient } from '#api/client.js';
import type { QueueState } from '#api/schemas/queue.js';

/** Whether delivery is paused and what the queue holds: fetched once, then kept current by the event stream. */
export function useQueueState(client: ApiClient): { state: QueueState | null; set: (state: QueueState) => void } {
  const [state, setState] = useState<QueueState | null>(null);
  useEffect(() => {
    // Subscribe first so no change between the fetch and the subscription is missed.
    const unsubscribe = client.on('queue.state', setState);
    client.call('queue.status', {}).then(
      (fetched) => setState((current) => current ?? fetched),
      // The relay's own state already reports an unreachable host; this one simply stays unknown.
      () => undefined,
    );
    return unsubscribe;
  }, [client]);
  return { state, set: setState };
}
