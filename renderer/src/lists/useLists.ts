import { useCallback, useMemo } from 'react';
import type { ApiClient } from '#api/client.js';
import type { ListView } from '#api/schemas/users.js';
import { useApiData } from '../components/useApiData.js';

export interface ListsData {
  names: string[];
  /** Each list with how many users it has. */
  lists: ListView[];
  error: string | null;
  reload: () => void;
}

/** The user lists, refreshed on reload() (after a list or user is created, renamed or deleted). */
export function useLists(client: ApiClient): ListsData {
  const lists = useApiData(useCallback(async () => (await client.call('lists.list', {})).lists, [client]));
  const views = useMemo(() => lists.value ?? [], [lists.value]);
  const names = useMemo(() => views.map((l) => l.name), [views]);
  return { names, lists: views, error: lists.error, reload: lists.reload };
}
