import { useCallback } from 'react';
import type { ApiClient } from '#api/client.js';
import { useApiData } from '../../components/useApiData.js';

export interface VerifiedDomains {
  /** null until loaded. */
  domains: string[] | null;
  /** Why they could not be loaded. */
  error: string | null;
}

/** The verified sender domains a user may be authorized for, fetched when the dialog opens, so one verified meanwhile is offered. */
export function useVerifiedDomains(client: ApiClient): VerifiedDomains {
  const { value, error } = useApiData(
    useCallback(async () => (await client.call('senders.list', {})).domains.filter((d) => d.status === 'verified').map((d) => d.domain), [client]),
  );
  if (error) return { domains: value ?? [], error: `Could not load the verified domains: ${error}` };
  return { domains: value, error: null };
}
