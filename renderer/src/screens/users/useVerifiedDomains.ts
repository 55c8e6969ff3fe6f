import { useEffect, useState } from 'react';
import type { ApiClient } from '../../../../electron/api/client.js';
import { errorText } from '../../components/errors.js';

export interface VerifiedDomains {
  /** null until loaded. */
  domains: string[] | null;
  /** Why they could not be loaded. */
  error: string | null;
}

/** The verified sender domains a user may be authorized for, fetched when the dialog opens, so one verified meanwhile is offered. */
export function useVerifiedDomains(client: ApiClient): VerifiedDomains {
  const [state, setState] = useState<VerifiedDomains>({ domains: null, error: null });
  useEffect(() => {
    let current = true;
    client.call('senders.list', {}).then(
      ({ domains }) => current && setState({ domains: domains.filter((d) => d.status === 'verified').map((d) => d.domain), error: null }),
      (err: unknown) => current && setState({ domains: [], error: `Could not load the verified domains: ${errorText(err)}` }),
    );
    return () => {
      current = false;
    };
  }, [client]);
  return state;
}
