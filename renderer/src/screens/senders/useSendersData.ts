import { useCallback } from 'react';
import type { ApiClient } from '#api/client.js';
import type { AddressView, CodeFromView, DomainView } from '#api/schemas/senders.js';
import { useApiData } from '../../components/useApiData.js';

export interface SendersData {
  domains: DomainView[];
  addresses: AddressView[];
  /** Where verification codes are mailed from; null until loaded. */
  codeFrom: CodeFromView | null;
  loading: boolean;
  error: string | null;
  reload: () => void;
  /** Shows a sender the host just returned, without waiting for a reload. */
  putDomain: (domain: DomainView) => void;
  putAddress: (address: AddressView) => void;
  putCodeFrom: (codeFrom: CodeFromView) => void;
}

function put<T>(items: T[], item: T, same: (a: T, b: T) => boolean): T[] {
  return items.some((i) => same(i, item)) ? items.map((i) => (same(i, item) ? item : i)) : [...items, item];
}

/** The verified senders, each with the users it is authorized for; reload() after an addition or removal. */
export function useSendersData(client: ApiClient): SendersData {
  const senders = useApiData(useCallback(() => client.call('senders.list', {}), [client]));
  const { set } = senders;
  // Only once loaded: a sender returned before the list arrives shows with the list.
  const putDomain = useCallback(
    (domain: DomainView) => set((s) => s && { ...s, domains: put(s.domains, domain, (a, b) => a.domain === b.domain) }),
    [set],
  );
  const putAddress = useCallback(
    (address: AddressView) => set((s) => s && { ...s, addresses: put(s.addresses, address, (a, b) => a.address === b.address) }),
    [set],
  );
  const putCodeFrom = useCallback((codeFrom: CodeFromView) => set((s) => s && { ...s, codeFrom }), [set]);
  return {
    domains: senders.value?.domains ?? [],
    addresses: senders.value?.addresses ?? [],
    codeFrom: senders.value?.codeFrom ?? null,
    loading: senders.loading,
    error: senders.error,
    reload: senders.reload,
    putDomain,
    putAddress,
    putCodeFrom,
  };
}
