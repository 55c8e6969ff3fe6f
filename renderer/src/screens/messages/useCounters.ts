import type { ApiClient } from '#api/client.js';
import type { Counters } from '#api/schemas/messages.js';
import { useLiveValue } from '../../components/useLiveValue.js';

const fetchCounters = (client: ApiClient) => client.call('messages.counters', {});

/** The counters above the messages, pushed by the host as they change. */
export function useCounters(client: ApiClient): Counters | null {
  return useLiveValue(client, 'messages.counters', fetchCounters)[0];
}
