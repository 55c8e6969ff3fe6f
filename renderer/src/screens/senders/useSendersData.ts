import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '../../../../electron/api/client.js';
import type { AddressView, DomainView } from '../../../../electron/api/schemas/senders.js';
import { errorText } from '../../components/errors.js';

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

type Loaded = Pick<SendersData, 'domains' | 'addresses' | 'loading' | 'error'>;

function put<T>(items: T[], item: T, same: (a: T, b: T) => boolean): T[] {
  return items.some((i) => same(i, item)) ? items.map((i) => (same(i, item) ? item : i)) : [...items, item];
}

/** The verified senders, each with the users it is authorized for; reload() after an addition or removal. */
export function useSendersData(client: ApiClient): SendersData {
  const [data, setData] = useState<Loaded>({ domains: [], addresses: [], loading: true, error: null });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  useEffect(() => {
    let current = true;
    setData((d) => ({ ...d, loading: true }));
    client.call('senders.list', {}).then(
      (senders) => current && setData({ ...senders, loading: false, error: null }),
      (err: unknown) => current && setData((d) => ({ ...d, loading: false, error: errorText(err) })),
    );
    return () => {
      current = false;
    };
  }, [client, generation]);
  const putDomain = useCallback(
    (domain: DomainView) => setData((d) => ({ ...d, domains: put(d.domains, domain, (a, b) => a.domain === b.domain) })),
    [],
  );
  const putAddress = useCallback(
    (address: AddressView) => setData((d) => ({ ...d, addresses: put(d.addresses, address, (a, b) => a.address === b.address) })),
    [],
  );
  return { ...data, reload, putDomain, putAddress };
}
