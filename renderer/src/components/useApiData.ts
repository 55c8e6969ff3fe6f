import { useCallback, useEffect, useState } from 'react';
import { errorText } from './errors.js';

export interface ApiData<T> {
  /** The last value loaded (kept while reloading and after a failed reload); null before the first. */
  value: T | null;
  loading: boolean;
  error: string | null;
  reload: () => void;
  /** Shows a value the host just answered with, without loading again. */
  set: (update: (value: T | null) => T | null) => void;
}

/**
 * Loads what `load` fetches from the host, again whenever `load` changes
 * (wrap it in useCallback with what it reads) or reload() is called; an
 * answer that arrives after a newer load started is dropped.
 */
export function useApiData<T>(load: () => Promise<T>): ApiData<T> {
  const [state, setState] = useState<{ value: T | null; loading: boolean; error: string | null }>({ value: null, loading: true, error: null });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const set = useCallback((update: (value: T | null) => T | null) => setState((s) => ({ ...s, value: update(s.value) })), []);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (value) => current && setState({ value, loading: false, error: null }),
      (err: unknown) => current && setState((s) => ({ ...s, loading: false, error: errorText(err) })),
    );
    return () => {
      current = false;
    };
  }, [load, generation]);
  return { ...state, reload, set };
}
