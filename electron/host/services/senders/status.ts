/**
 * Whether a domain or address a user names is a sender it may send as. An
 * address is verified by its own code, or covered by a verified domain it is
 * at (or at a subdomain of), by the same rule the relay applies
 * (relay/protocol.ts domainCovers): such an address needs no code. Covered
 * lasts only as long as the domain is verified.
 */
import { domainCovers } from '../../../../relay/protocol.js';
import type { StoreData } from '../../store/schema.js';
import { addressKey, domainKey } from './names.js';

/** 'missing': not among the senders at all. */
export type SenderStatus = 'verified' | 'covered' | 'pending' | 'missing';

interface StatusTable {
  domains: Map<string, 'pending' | 'verified'>;
  addresses: Map<string, 'pending' | 'verified'>;
  /** Verified domains' normal forms, most specific first, with their names as stored. */
  verifiedDomains: { key: string; name: string }[];
  /** Covering domain by an address's domain, filled as addresses are asked about. */
  covering: Map<string, string | null>;
  /**
   * Answers by the text asked about, as stored: 10,000 users name the same few domains, and the
   * relay's configuration asks about each user's (normalizing each, domainToASCII included, took
   * most of the ~0.25 s that configuration took to build at start).
   */
  domainAnswers: Map<string, Exclude<SenderStatus, 'covered'>>;
}

/**
 * Tables built once per settings snapshot: listing 10,000 users asks for
 * tens of thousands of statuses, and normalizing every sender for every
 * question took over a second. store.update() replaces data.senders on
 * every change, so a snapshot's table never goes stale.
 */
const tables = new WeakMap<object, StatusTable>();

function tableOf(data: Readonly<StoreData>): StatusTable {
  let table = tables.get(data.senders);
  if (!table) {
    table = {
      domains: new Map(data.senders.domains.map((d) => [domainKey(d.domain), d.status])),
      addresses: new Map(data.senders.addresses.map((a) => [addressKey(a.address), a.status])),
      verifiedDomains: data.senders.domains
        .filter((d) => d.status === 'verified')
        .map((d) => ({ key: domainKey(d.domain), name: d.domain }))
        .sort((a, b) => b.key.length - a.key.length),
      covering: new Map(),
      domainAnswers: new Map(),
    };
    tables.set(data.senders, table);
  }
  return table;
}

/** The verified domain that covers `address` (the most specific one), or null. */
export function coveringDomain(data: Readonly<StoreData>, address: string): string | null {
  const table = tableOf(data);
  const key = addressKey(address);
  const domain = key.slice(key.lastIndexOf('@') + 1);
  let found = table.covering.get(domain);
  if (found === undefined) {
    found = table.verifiedDomains.find((d) => domainCovers(d.key, domain))?.name ?? null;
    table.covering.set(domain, found);
  }
  return found;
}

/** A domain's status: verified, pending or missing (a domain is never "covered": a user names it to send from all of it). */
export function domainStatus(data: Readonly<StoreData>, domain: string): Exclude<SenderStatus, 'covered'> {
  const table = tableOf(data);
  let status = table.domainAnswers.get(domain);
  if (status === undefined) {
    status = table.domains.get(domainKey(domain)) ?? 'missing';
    table.domainAnswers.set(domain, status);
  }
  return status;
}

/** An address's status: its own verification first, which outlives any domain. */
export function addressStatus(data: Readonly<StoreData>, address: string): SenderStatus {
  const own = tableOf(data).addresses.get(addressKey(address));
  if (own === 'verified') return own;
  if (coveringDomain(data, address) !== null) return 'covered';
  return own ?? 'missing';
}

/** Whether the address is among the sender addresses (pending or verified), covered or not. */
export function isSenderAddress(data: Readonly<StoreData>, address: string): boolean {
  return tableOf(data).addresses.has(addressKey(address));
}

/** Whether a user naming this address may send as it. */
export function addressMaySend(data: Readonly<StoreData>, address: string): boolean {
  const status = addressStatus(data, address);
  return status === 'verified' || status === 'covered';
}
