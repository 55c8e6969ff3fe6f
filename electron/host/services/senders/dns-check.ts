/**
 * Looks a domain's records up as a receiving mail server would, through the
 * resolvers Relay Desk is set to use, and says in plain words what was found.
 */
import { promises as dns } from 'node:dns';
import { dkimName, dkimPublicKeyOf, verificationName } from './records.js';

/** TXT records at a name, each record's strings joined, as RFC 7208 and RFC 6376 read them. */
export type TxtLookup = (name: string) => Promise<string[]>;

export const DNS_TIMEOUT_MS = 5000;
export const DNS_TRIES = 2;

/** A lookup through `servers` ("host:port", "[v6]:port" or a bare address); empty means the system's resolvers. */
export function txtLookup(servers: readonly string[]): TxtLookup {
  const resolver = new dns.Resolver({ timeout: DNS_TIMEOUT_MS, tries: DNS_TRIES });
  let setupError: Error | null = null;
  if (servers.length > 0) {
    try {
      resolver.setServers([...servers]);
    } catch (err) {
      setupError = err instanceof Error ? err : new Error(String(err));
    }
  }
  return async (name) => {
    if (setupError) throw Object.assign(new Error(setupError.message), { code: 'EBADSERVER' });
    const records = await resolver.resolveTxt(name);
    return records.map((chunks) => chunks.join(''));
  };
}

export interface CheckResult {
  ok: boolean;
  /** Plain words for the admin; the first sentence is the finding. */
  reason: string;
}

function codeOf(err: unknown): string {
  return err && typeof err === 'object' && 'code' in err && typeof err.code === 'string' ? err.code : 'UNKNOWN';
}

function isMissing(err: unknown): boolean {
  const code = codeOf(err);
  return code === 'ENOTFOUND' || code === 'ENODATA';
}

function serversText(servers: readonly string[]): string {
  return servers.length > 0 ? servers.join(', ') : "this computer's DNS servers";
}

/** Why a lookup of `name` failed, for anything but "there is no such record". */
export function describeDnsFailure(err: unknown, name: string, servers: readonly string[]): string {
  const code = codeOf(err);
  switch (code) {
    case 'ETIMEOUT':
    case 'ECONNREFUSED':
    case 'ESERVFAIL':
    case 'ECONNRESET':
    case 'ECANCELLED':
      return `The DNS server did not answer; try again. (Asked ${serversText(servers)} for ${name}.)`;
    case 'EREFUSED':
      return `The DNS server refused to look up ${name}; try again, or set a DNS server that resolves public names. (Asked ${serversText(servers)}.)`;
    case 'EBADSERVER':
      return `The DNS servers set in Relay Desk (${serversText(servers)}) are not valid addresses; correct them and check again.`;
    default:
      return `The DNS lookup of ${name} failed (${code}); try again. (Asked ${serversText(servers)}.)`;
  }
}

function quoteList(values: string[]): string {
  const quoted = values.map((v) => JSON.stringify(v));
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1] ?? ''}`;
}

/** Whether `_relay-desk.<domain>` holds `expected`. */
export async function checkVerificationRecord(lookup: TxtLookup, domain: string, expected: string, servers: readonly string[]): Promise<CheckResult> {
  const name = verificationName(domain);
  let values: string[];
  try {
    values = await lookup(name);
  } catch (err) {
    if (!isMissing(err)) return { ok: false, reason: describeDnsFailure(err, name, servers) };
    // A common slip: the record published at the domain itself instead of under _relay-desk.
    const atApex = await lookup(domain).catch(() => [] as string[]);
    if (atApex.some((v) => v.trim() === expected)) {
      return { ok: false, reason: `No TXT record ${name} was found. The value is published at ${domain} itself; publish it under the name ${name} instead.` };
    }
    return { ok: false, reason: `No TXT record ${name} was found. Publish it at your DNS provider; a new record can take a while to be visible.` };
  }
  if (values.some((v) => v.trim() === expected)) return { ok: true, reason: `The TXT record ${name} holds the expected value.` };
  if (values.length === 0) return { ok: false, reason: `No TXT record ${name} was found.` };
  return { ok: false, reason: `The TXT record ${name} holds ${quoteList(values)}, not the expected ${expected}.` };
}

/** One sentence on whether the DKIM key record is published; null when DNS could not tell. */
export async function describeDkimRecord(lookup: TxtLookup, domain: string, selector: string, publicKey: string): Promise<string | null> {
  const name = dkimName(domain, selector);
  let values: string[];
  try {
    values = await lookup(name);
  } catch (err) {
    if (!isMissing(err)) return null;
    values = [];
  }
  if (values.some((v) => dkimPublicKeyOf(v) === publicKey)) return `The DKIM record ${name} is published.`;
  if (values.length === 0) {
    return `The DKIM record ${name} is not published yet: receivers cannot check the signature on mail from ${domain} until it is.`;
  }
  return `The DKIM record ${name} holds a different key than Relay Desk signs with; publish the value shown here.`;
}
