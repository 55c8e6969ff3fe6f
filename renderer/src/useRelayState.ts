import { useEffect, useState } from 'react';
import type { ApiClient } from '#api/client.js';
import type { RelayState } from '#api/contract.js';
import { errorText } from './components/errors.js';

export type RelayStateView = { state: RelayState | null; error: string | null };

/** The relay's live state: fetched once, then kept current by the event stream. */
export function useRelayState(client: ApiClient): RelayStateView {
  const [view, setView] = useState<RelayStateView>({ state: null, error: null });
  useEffect(() => {
    // Subscribe first so no change between the fetch and the subscription is missed.
    const unsubscribe = client.on('relay.state', (state) => setView({ state, error: null }));
    client.call('relay.status', {}).then(
      (state) => setView((v) => (v.state ? v : { state, error: null })),
      (err: unknown) => setView({ state: null, error: errorText(err) }),
    );
    return unsubscribe;
  }, [client]);
  return view;
}
