import { useCallback } from 'react';
import type { ApiClient } from '#api/client.js';
import type { ServerView, UpstreamView } from '#api/schemas/server.js';
import { useApiData } from '../../components/useApiData.js';

export interface ServerData {
  server: ServerView | null;
  upstream: UpstreamView | null;
  error: string | null;
  /** Every change answers with the new view; the screen shows it without fetching again. */
  setServer: (view: ServerView) => void;
  setUpstream: (view: UpstreamView) => void;
}

/** The Server page's settings, loaded once. */
export function useServerData(client: ApiClient): ServerData {
  const data = useApiData(
    useCallback(async (): Promise<{ server: ServerView | null; upstream: UpstreamView | null }> => {
      const [server, upstream] = await Promise.all([client.call('server.get', {}), client.call('upstream.get', {})]);
      return { server, upstream };
    }, [client]),
  );
  const { set } = data;
  const setServer = useCallback((server: ServerView) => set((d) => ({ upstream: d?.upstream ?? null, server })), [set]);
  const setUpstream = useCallback((upstream: UpstreamView) => set((d) => ({ server: d?.server ?? null, upstream })), [set]);
  return { server: data.value?.server ?? null, upstream: data.value?.upstream ?? null, error: data.error, setServer, setUpstream };
}
