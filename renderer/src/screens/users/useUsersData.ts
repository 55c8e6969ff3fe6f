import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '../../../../electron/api/client.js';
import type { ServerView } from '../../../../electron/api/schemas/server.js';
import type { UserView } from '../../../../electron/api/schemas/users.js';
import { errorText } from '../../components/errors.js';

export interface UsersData {
  users: UserView[];
  verifiedDomains: string[];
  server: ServerView | null;
  loading: boolean;
  error: string | null;
  reload: () => void;
}

/** Everything the Users screen shows, for one list ('' = all lists); reload() after a change. */
export function useUsersData(client: ApiClient, list: string): UsersData {
  const [data, setData] = useState<Omit<UsersData, 'reload'>>({
    users: [],
    verifiedDomains: [],
    server: null,
    loading: true,
    error: null,
  });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  useEffect(() => {
    let current = true;
    setData((d) => ({ ...d, loading: true }));
    Promise.all([
      client.call('users.list', list ? { list } : {}),
      client.call('senders.list', {}),
      client.call('server.get', {}),
    ]).then(
      ([users, senders, server]) => {
        if (!current) return;
        setData({
          users: users.users,
          verifiedDomains: senders.domains.filter((d) => d.status === 'verified').map((d) => d.domain),
          server,
          loading: false,
          error: null,
        });
      },
      (err: unknown) => current && setData((d) => ({ ...d, loading: false, error: errorText(err) })),
    );
    return () => {
      current = false;
    };
  }, [client, list, generation]);
  return { ...data, reload };
}
