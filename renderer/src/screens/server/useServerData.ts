import { useEffect, useState } from 'react';
import type { ApiClient } from '../../../../electron/api/client.js';
import type { ServerView, UpstreamView } from '../../../../electron/api/schemas/server.js';
import { errorText } from '../../components/errors.js';

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
  const [server, setServer] = useState<ServerView | null>(null);
  const [upstream, setUpstream] = useState<UpstreamView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    Promise.all([client.call('server.get', {}), client.call('upstream.get', {})]).then(
      ([s, u]) => {
        if (!current) return;
        setServer(s);
        setUpstream(u);
      },
      (err: unknown) => current && setError(errorText(err)),
    );
    return () => {
      current = false;
    };
  }, [client]);
  return { server, upstream, error, setServer, setUpstream };
}
