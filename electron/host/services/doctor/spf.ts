/**
 * Whether a domain's SPF record (RFC 7208) lets given addresses send: the
 * mechanisms that name addresses (ip4, ip6, a, mx) followed through include
 * and redirect, within the ten lookups the RFC allows. Macros, exists and
 * ptr are not evaluated: a record that leans on them is reported as one
 * this check cannot judge, not as a failure.
 */
import { Resolver } from 'node:dns/promises';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { TxtLookup } from '../senders/dns-check.js';

/** RFC 7208 §4.6.4: at most ten mechanisms that cause DNS lookups. */
const LOOKUP_LIMIT = 10;

export type SpfVerdict =
  /** An address matched a mechanism that passes (+, or no qualifier). */
  | { kind: 'pass'; address: string; mechanism: string }
  /** No address matched a passing mechanism. */
  | { kind: 'no-match' }
  /** The record uses what this check does not evaluate, or went past the lookup limit. */
  | { kind: 'unknown'; reason: string };

export function spfRecords(txt: string[]): string[] {
  return txt.filter((v) => /^v=spf1(\s|$)/i.test(v.trim()));
}

interface Walk {
  lookups: number;
  addresses: string[];
  txt: TxtLookup;
  resolver: Resolver;
}

function matcher(addresses: string[], cidr4: number, cidr6: number): BlockList {
  const list = new BlockList();
  for (const a of addresses) {
    if (isIPv4(a)) list.addSubnet(a, cidr4, 'ipv4');
    else if (isIPv6(a)) list.addSubnet(a, cidr6, 'ipv6');
  }
  return list;
}

function firstMatch(walk: Walk, list: BlockList): string | undefined {
  return walk.addresses.find((a) => list.check(a, isIPv4(a) ? 'ipv4' : 'ipv6'));
}

function resolverFor(servers: readonly string[]): Resolver {
  const resolver = new Resolver({ timeout: 5_000, tries: 2 });
  if (servers.length > 0) resolver.setServers([...servers]);
  return resolver;
}

/** A name's IPv4 and IPv6 addresses through `servers` (a Resolver, or the servers to make one for); none when it has none. */
export async function hostAddresses(servers: Resolver | readonly string[], name: string): Promise<string[]> {
  const resolver = servers instanceof Resolver ? servers : resolverFor(servers);
  const found = await Promise.allSettled([resolver.resolve4(name), resolver.resolve6(name)]);
  return found.flatMap((f) => (f.status === 'fulfilled' ? f.value : []));
}

/** One mechanism's term: the address it names, or null when it does not match. */
async function matches(walk: Walk, domain: string, name: string, arg: string): Promise<string | null | { unknown: string }> {
  switch (name) {
    case 'all':
      return walk.addresses[0] ?? null;
    case 'ip4':
    case 'ip6': {
      const [network = '', bits] = arg.split('/');
      const list = new BlockList();
      const family = name === 'ip4' ? 'ipv4' : 'ipv6';
      list.addSubnet(network, Number(bits ?? (name === 'ip4' ? 32 : 128)), family);
      return firstMatch(walk, list) ?? null;
    }
    case 'a':
    case 'mx': {
      if (++walk.lookups > LOOKUP_LIMIT) return { unknown: `it needs more than ${LOOKUP_LIMIT} DNS lookups (RFC 7208 §4.6.4)` };
      // a:host/24//64: a host (this domain when left out) and the prefix lengths of its networks.
      const [, target, c4, c6] = /^([^/]*)(?:\/(\d+))?(?:\/\/(\d+))?$/.exec(arg) ?? [];
      const host = target || domain;
      const names = name === 'a' ? [host] : (await walk.resolver.resolveMx(host).catch(() => [])).map((m) => m.exchange);
      const addresses = (await Promise.all(names.map((n) => hostAddresses(walk.resolver, n)))).flat();
      return firstMatch(walk, matcher(addresses, Number(c4 ?? 32), Number(c6 ?? 128))) ?? null;
    }
    default:
      return { unknown: `it uses "${name}", which this check does not evaluate` };
  }
}

async function evaluate(walk: Walk, domain: string, depth: number): Promise<SpfVerdict> {
  const records = spfRecords(await walk.txt(domain).catch(() => []));
  if (records.length !== 1) return { kind: 'unknown', reason: records.length === 0 ? `${domain} has no SPF record` : `${domain} has ${records.length} SPF records` };
  const terms = (records[0] ?? '').trim().split(/\s+/).slice(1);
  let redirect: string | null = null;
  for (const term of terms) {
    if (term.toLowerCase().startsWith('redirect=')) {
      redirect = term.slice(9);
      continue;
    }
    if (/^[a-z][a-z0-9_.-]*=/i.test(term)) continue;
    const qualifier = /^[+?~-]/.test(term) ? term[0] : '+';
    const body = qualifier === term[0] ? term.slice(1) : term;
    const [name = '', ...rest] = body.split(':');
    const arg = rest.join(':');
    if (name.toLowerCase() === 'include') {
      if (++walk.lookups > LOOKUP_LIMIT || depth > LOOKUP_LIMIT) return { kind: 'unknown', reason: `it needs more than ${LOOKUP_LIMIT} DNS lookups (RFC 7208 §4.6.4)` };
      const inner = await evaluate(walk, arg, depth + 1);
      if (inner.kind === 'unknown') return inner;
      if (inner.kind === 'pass' && qualifier === '+') return { ...inner, mechanism: `include:${arg} (${inner.mechanism})` };
      continue;
    }
    const found = await matches(walk, domain, name.toLowerCase(), arg);
    if (found !== null && typeof found === 'object') return { kind: 'unknown', reason: found.unknown };
    if (found !== null) return qualifier === '+' ? { kind: 'pass', address: found, mechanism: term } : { kind: 'no-match' };
  }
  if (redirect !== null) {
    if (++walk.lookups > LOOKUP_LIMIT) return { kind: 'unknown', reason: `it needs more than ${LOOKUP_LIMIT} DNS lookups (RFC 7208 §4.6.4)` };
    return evaluate(walk, redirect, depth + 1);
  }
  return { kind: 'no-match' };
}

/** Whether `domain`'s SPF record lets any of `addresses` send, read through `servers`. */
export function spfAllows(domain: string, addresses: string[], txt: TxtLookup, servers: readonly string[]): Promise<SpfVerdict> {
  return evaluate({ lookups: 0, addresses, txt, resolver: resolverFor(servers) }, domain, 0);
}
