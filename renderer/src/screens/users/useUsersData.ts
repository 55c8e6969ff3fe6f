import { useCallback } from 'react';
import type { ApiClient } from '#api/client.js';
import type { MethodInput } from '#api/contract.js';
import type { ServerView } from '#api/schemas/server.js';
import type { UserView } from '#api/schemas/users.js';
import { useApiData } from '../../components/useApiData.js';

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

/** Everything the Users screen shows, for one list ('' = all lists); reload() after a change. */
export function useUsersData(client: ApiClient, list: string, query: UsersQuery): UsersData {
  const page = useApiData(useCallback(() => client.call('users.list', list ? { ...query, list } : query), [client, list, query]));
  // This machine's addresses and ports for the connection box; they change rarely, so not refetched per page.
  const server = useApiData(useCallback(() => client.call('server.get', {}), [client]));
  const { reload: reloadPage } = page;
  const { reload: reloadServer } = server;
  const reload = useCallback(() => {
    reloadPage();
    reloadServer();
  }, [reloadPage, reloadServer]);
  return {
    users: page.value?.users ?? [],
    total: page.value?.total ?? 0,
    server: server.value,
    loading: page.loading,
    error: page.error ?? server.error,
    reload,
  };
}
