import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '../../../../electron/api/client.js';
import type { MethodInput } from '../../../../electron/api/contract.js';
import type { ServerView } from '../../../../electron/api/schemas/server.js';
import type { UserView } from '../../../../electron/api/schemas/users.js';
import { errorText } from '../../components/errors.js';

/** What the table asks for: one page, sorted and filtered on the host. */
export type UsersQuery = Omit<MethodInput<'users.list'>, 'list'>;

export interface UsersData {
  users: UserView[];
  total: number;
  server: ServerView | null;
  loading: boolean;
  error: string | null;
  reload: () => void;
}

function useReload(): [number, () => void] {
  const [generation, setGeneration] = useState(0);
  return [generation, useCallback(() => setGeneration((g) => g + 1), [])];
}

/** Everything the Users screen shows, for one list ('' = all lists); reload() after a change. */
export function useUsersData(client: ApiClient, list: string, query: UsersQuery): UsersData {
  const [page, setPage] = useState<{ users: UserView[]; total: number; loading: boolean; error: string | null }>({
    users: [],
    total: 0,
    loading: true,
    error: null,
  });
  const [context, setContext] = useState<{ server: ServerView | null; error: string | null }>({
    server: null,
    error: null,
  });
  const [generation, reload] = useReload();

  useEffect(() => {
    let current = true;
    setPage((p) => ({ ...p, loading: true }));
    client.call('users.list', list ? { ...query, list } : query).then(
      ({ users, total }) => current && setPage({ users, total, loading: false, error: null }),
      (err: unknown) => current && setPage((p) => ({ ...p, loading: false, error: errorText(err) })),
    );
    return () => {
      current = false;
    };
  }, [client, list, query, generation]);

  // This machine's addresses and ports for the connection box; they change rarely, so not refetched per page.
  useEffect(() => {
    let current = true;
    client.call('server.get', {}).then(
      (server) => current && setContext({ server, error: null }),
      (err: unknown) => current && setContext((c) => ({ ...c, error: errorText(err) })),
    );
    return () => {
      current = false;
    };
  }, [client, generation]);

  return { ...page, ...context, error: page.error ?? context.error, reload };
}
