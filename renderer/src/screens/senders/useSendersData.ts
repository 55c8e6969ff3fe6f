import { useCallback } from 'react';
import type { ApiClient } from '../../../../electron/api/client.js';
import type { AddressView, DomainView } from '../../../../electron/api/schemas/senders.js';
import { useApiData } from '../../components/useApiData.js';

export interface SendersData {
  domains: DomainView[];
  addresses: AddressView[];
  loading: boolean;
  error: string | null;
  reload: () => void;
  /** Shows a sender the host just returned, without waiting for a reload. */
  putDomain: (domain: DomainView) => void;
  putAddress: (address: AddressView) => void;
}

function put<T>(items: T[], item: T, same: (a: T, b: T) => boolean): T[] {
  return items.some((i) => same(i, item)) ? items.map((i) => (same(i, item) ? item : i)) : [...items, item];
}

/** The verified senders, each with the users it is authorized for; reload() after an addition or removal. */
export function useSendersData(client: ApiClient): SendersData {
  const senders = useApiData(useCallback(() => client.call('senders.list', {}), [client]));
  const { set } = senders;
  const putDomain = useCallback(
    (domain: DomainView) => set((s) => ({ addresses: s?.addresses ?? [], domains: put(s?.domains ?? [], domain, (a, b) => a.domain === b.domain) })),
    [set],
  );
  const putAddress = useCallback(
    (address: AddressView) => set((s) => ({ domains: s?.domains ?? [], addresses: put(s?.addresses ?? [], address, (a, b) => a.address === b.address) })),
    [set],
  );
  return {
    domains: senders.value?.domains ?? [],
    addresses: senders.value?.addresses ?? [],
    loading: senders.loading,
    error: senders.error,
    reload: senders.reload,
    putDomain,
    putAddress,
  };
}
