import type { ApiClient } from '#api/client.js';
import type { QueueState } from '#api/schemas/queue.js';
import { useLiveValue } from './components/useLiveValue.js';

const fetchQueue = (client: ApiClient) => client.call('queue.status', {});

/** Whether delivery is paused and what the queue holds, kept current by the event stream; `set` takes a pause or resume's answer at once. */
export function useQueueState(client: ApiClient): { state: QueueState | null; set: (state: QueueState) => void } {
  const [state, set] = useLiveValue(client, 'queue.state', fetchQueue);
  return { state, set };
}
