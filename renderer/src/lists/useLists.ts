import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '../../../electron/api/client.js';
import { errorText } from '../components/errors.js';

export interface ListsData {
  names: string[];
  error: string | null;
  reload: () => void;
}

/** The user lists' names, refreshed on reload() (after a list or user is created). */
export function useLists(client: ApiClient): ListsData {
  const [names, setNames] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  useEffect(() => {
    let current = true;
    client.call('lists.list', {}).then(
      ({ lists }) => {
        if (!current) return;
        setNames(lists.map((l) => l.name));
        setError(null);
      },
      (err: unknown) => current && setError(errorText(err)),
    );
    return () => {
      current = false;
    };
  }, [client, generation]);
  return { names, error, reload };
}
