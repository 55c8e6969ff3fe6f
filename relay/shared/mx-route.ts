/**
 * Where mail for a domain goes (RFC 5321 §5.1): its MX hosts by preference,
 * or the domain itself when it has no MX (the implicit MX). What DNS says for
 * good (the domain does not exist, or refuses all mail with a null MX, RFC
 * 7505) fails the recipients; what may clear up (SERVFAIL, a timeout) defers
 * them. Local reasons start with the enhanced status code a bounce reports.
 */
import { Resolver } from 'node:dns/promises';
import { errnoCode } from './errors.js';

export interface MailHost {
  name: string;
  addresses: string[];
}

export type Route =
  | { kind: 'hosts'; hosts: MailHost[] }
  | { kind: 'failed'; response: string }
  | { kind: 'deferred'; response: string };

/** Answers that say a name or record does not exist, as opposed to a lookup that did not work. */
const NXDOMAIN = 'ENOTFOUND';
const NODATA = 'ENODATA';

/** A slow resolver should not hold the queue: two tries of five seconds, then the mail is deferred. */
const RESOLVER_OPTIONS = { timeout: 5_000, tries: 2 };

function codeOf(err: unknown): string {
  return errnoCode(err) ?? String(err);
}

export function createRouter(dnsServers: string[]): (domain: string) => Promise<Route> {
  const resolver = new Resolver(RESOLVER_OPTIONS);
  if (dnsServers.length > 0) resolver.setServers(dnsServers);

  /** A and AAAA of one name; IPv4 first, since many small offices have no IPv6 route out. */
  async function addresses(name: string): Promise<{ addresses: string[]; errors: string[] }> {
    const lookups = await Promise.allSettled([resolver.resolve4(name), resolver.resolve6(name)]);
    const found = lookups.flatMap((l) => (l.status === 'fulfilled' ? l.value : []));
    const errors = lookups.flatMap((l) => (l.status === 'rejected' ? [codeOf(l.reason)] : []));
    return { addresses: found, errors };
  }

  async function implicitMx(domain: string): Promise<Route> {
    const { addresses: found, errors } = await addresses(domain);
    if (found.length > 0) return { kind: 'hosts', hosts: [{ name: domain, addresses: found }] };
    if (errors.every((e) => e === NODATA || e === NXDOMAIN)) {
      return { kind: 'failed', response: `5.1.2 The domain ${domain} has no MX, A or AAAA record to deliver to` };
    }
    return { kind: 'deferred', response: `4.4.3 Looking up the address of ${domain} failed (${errors.join(', ')}); will retry` };
  }

  return async function route(domain) {
    if (domain === '') return { kind: 'failed', response: '5.1.3 The address has no domain to deliver to' };
    let records;
    try {
      records = await resolver.resolveMx(domain);
    } catch (err) {
      const code = codeOf(err);
      if (code === NXDOMAIN) return { kind: 'failed', response: `5.1.2 The domain ${domain} does not exist (DNS: NXDOMAIN)` };
      if (code === NODATA) return implicitMx(domain);
      return { kind: 'deferred', response: `4.4.3 Looking up the MX records of ${domain} failed (${code}); will retry` };
    }
    if (records.length === 0) return implicitMx(domain);
    // A null MX is an exchange of "." (node reports it as ""): the domain takes no mail at all.
    const real = records.filter((r) => r.exchange !== '' && r.exchange !== '.');
    if (real.length === 0) {
      return { kind: 'failed', response: `5.1.10 The domain ${domain} accepts no mail: it publishes a null MX record (RFC 7505)` };
    }
    real.sort((a, b) => a.priority - b.priority);
    const hosts = await Promise.all(real.map(async (r) => ({ name: r.exchange, ...(await addresses(r.exchange)) })));
    const usable = hosts.filter((h) => h.addresses.length > 0);
    if (usable.length > 0) return { kind: 'hosts', hosts: usable.map(({ name, addresses: a }) => ({ name, addresses: a })) };
    const why = hosts.map((h) => `${h.name} (${h.errors.join(', ')})`).join(', ');
    return { kind: 'deferred', response: `4.4.3 No MX host of ${domain} has an address: ${why}; will retry` };
  };
}
