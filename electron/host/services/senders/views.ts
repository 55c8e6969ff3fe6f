/**
 * How senders look through the API: the records to publish, and which users
 * may send as each (counted in one pass over the users, the first few named).
 */
import type { AddressView, AuthorizedUsers, DomainView } from '../../../api/schemas/senders.js';
import type { HostContext } from '../../context.js';
import type { SenderAddress, SenderDomain, StoreData, StoredUser } from '../../store/schema.js';
import { addressKey, domainKey } from './names.js';
import { dkimRecord, verificationRecord } from './records.js';
import { coveringDomain } from './status.js';

/** How many users the first-few list of a sender's authorized users holds. */
const FIRST_USERS = 5;

export interface AuthorizedIndex {
  domains: Map<string, AuthorizedUsers>;
  addresses: Map<string, AuthorizedUsers>;
}

const indexes = new WeakMap<object, { version: number; index: AuthorizedIndex }>();

/** Every sender's authorized users, in one pass over the users, kept until a user changes. */
export function authorizedIndex(ctx: HostContext): AuthorizedIndex {
  const cached = indexes.get(ctx.store);
  if (cached?.version === ctx.store.usersVersion) return cached.index;
  const index: AuthorizedIndex = { domains: new Map(), addresses: new Map() };
  const add = (table: Map<string, AuthorizedUsers>, key: string, user: StoredUser) => {
    const entry = table.get(key) ?? { total: 0, first: [] };
    if (entry.total === 0) table.set(key, entry);
    entry.total++;
    if (entry.first.length < FIRST_USERS) entry.first.push({ name: user.name, note: user.note });
  };
  for (const user of ctx.store.users.values()) {
    for (const d of new Set(user.domains.map(domainKey))) add(index.domains, d, user);
    for (const a of new Set(user.addresses.map(addressKey))) add(index.addresses, a, user);
  }
  indexes.set(ctx.store, { version: ctx.store.usersVersion, index });
  return index;
}

const NOBODY: AuthorizedUsers = { total: 0, first: [] };

export function domainView(d: SenderDomain, index: AuthorizedIndex): DomainView {
  const records: DomainView['records'] = [{ ...verificationRecord(d.domain, d.token), purpose: 'verification' }];
  if (d.status === 'verified' && d.dkimSelector && d.dkimPublicKey) {
    records.push({ ...dkimRecord(d.domain, d.dkimSelector, d.dkimPublicKey), purpose: 'dkim' });
    if (d.dkimEd25519) records.push({ ...dkimRecord(d.domain, d.dkimEd25519.selector, d.dkimEd25519.publicKey, 'ed25519'), purpose: 'dkim-ed25519' });
  }
  return {
    domain: d.domain,
    status: d.status,
    addedAt: d.addedAt,
    verifiedAt: d.verifiedAt,
    method: d.method,
    records,
    ed25519: d.status === 'verified' && d.dkimEd25519 !== null,
    lastCheck: d.lastCheck,
    authorizedUsers: index.domains.get(domainKey(d.domain)) ?? NOBODY,
  };
}

/** An address verified by its own code stays so; one that is not is covered while a verified domain vouches for it. */
export function addressView(data: Readonly<StoreData>, a: SenderAddress, index: AuthorizedIndex): AddressView {
  const coveredBy = a.status === 'verified' ? null : coveringDomain(data, a.address);
  return {
    address: a.address,
    status: coveredBy ? 'covered' : a.status,
    coveredBy,
    addedAt: a.addedAt,
    verifiedAt: a.verifiedAt,
    method: a.method,
    codeSentAt: a.codeSentAt,
    authorizedUsers: index.addresses.get(addressKey(a.address)) ?? NOBODY,
  };
}
