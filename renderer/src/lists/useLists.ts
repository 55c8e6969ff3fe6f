import { useCallback } from 'react';
import type { ApiClient } from '../../../electron/api/client.js';
import { useApiData } from '../components/useApiData.js';

export interface ListsData {
  names: string[];
  error: string | null;
  reload: () => void;
}

/** The user lists' names, refreshed on reload() (after a list or user is created). */
export function useLists(client: ApiClient): ListsData {
  const lists = useApiData(useCallback(async () => (await client.call('lists.list', {})).lists.map((l) => l.name), [client]));
  return { names: lists.value ?? [], error: lists.error, reload: lists.reload };
}
