import { useCallback, useEffect, useRef } from 'react';
import type { ApiClient } from '#api/client.js';
import type { MethodInput, MethodOutput } from '#api/contract.js';
import { useApiData, type ApiData } from '../../components/useApiData.js';

export type MessagesQuery = MethodInput<'messages.list'>;

/** A burst of updates (a queue flushing) reloads the page once a second at most. */
const RELOAD_EVERY_MS = 1000;

/** One page of messages from the host, reloaded when the event stream says a message changed. */
export function useMessagesData(client: ApiClient, query: MessagesQuery): ApiData<MethodOutput<'messages.list'>> {
  const load = useCallback(() => client.call('messages.list', query), [client, query]);
  const data = useApiData(load);
  const { reload } = data;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    const unsubscribe = client.on('message.updated', () => {
      timer.current ??= setTimeout(() => {
        timer.current = null;
        reload();
      }, RELOAD_EVERY_MS);
    });
    return () => {
      unsubscribe();
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [client, reload]);
  return data;
}
