/**
 * Who may send as whom. A sender address is authorized for a user when it is
 * one of the user's verified addresses, or at one of the user's verified
 * domains or a subdomain of one ("company.com" covers
 * "marketing.company.com" but never "evil-company.com"). Shared with the
 * host, whose troubleshooting explains a decision by asking this same rule.
 */
import { domainToASCII } from 'node:url';
import ipaddr from 'ipaddr.js';
import { domainCovers, type RelayUser } from '../protocol.js';

/** A user's authorized sender, normalized once: a domain, or local@domain with the local part lower-cased. */
export interface NormalizedSender {
  kind: 'domain' | 'address';
  value: string;
  verified: boolean;
}

/** Which sender decided: the verified one that allows it, or the unverified ones that would have. */
export type SenderVerdict =
  | { ok: true; by: NormalizedSender }
  | { ok: false; reason: 'invalid' | 'not-authorized' }
  | { ok: false; reason: 'not-verified'; pending: NormalizedSender[] };

/** What the rule reads of a user. */
type SenderHolder = Pick<RelayUser, 'senders'>;

/** Lower-cases and converts an IDN domain to its ASCII form so look-alikes compare as what they are. */
export function normalizeDomain(domain: string): string {
  return domainToASCII(domain.trim().replace(/\.$/, '').toLowerCase());
}

export function splitAddress(address: string): { local: string; domain: string } | null {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return null;
  const domain = normalizeDomain(address.slice(at + 1));
  if (!domain) return null;
  return { local: address.slice(0, at), domain };
}

/** An address as compared: the local part lower-cased, the domain normalized. */
function addressKey(parts: { local: string; domain: string }): string {
  return `${parts.local.toLowerCase()}@${parts.domain}`;
}

/**
 * Normalized senders by user object. The relay replaces a user's object when
 * the user changes and never edits one, so an entry is never stale; without
 * it every check converted each of the user's entries again (24 µs per check
 * for a user with 50 senders, three checks per message).
 */
const normalizedSenders = new WeakMap<SenderHolder, NormalizedSender[]>();

function sendersOf(user: SenderHolder): NormalizedSender[] {
  let senders = normalizedSenders.get(user);
  if (!senders) {
    senders = user.senders.flatMap((s): NormalizedSender[] => {
      if (s.kind === 'domain') return [{ kind: 'domain', value: normalizeDomain(s.value), verified: s.verified }];
      const entry = splitAddress(s.value);
      return entry ? [{ kind: 'address', value: addressKey(entry), verified: s.verified }] : [];
    });
    normalizedSenders.set(user, senders);
  }
  return senders;
}

export function checkSender(address: string, user: SenderHolder): SenderVerdict {
  const parts = splitAddress(address);
  if (!parts) return { ok: false, reason: 'invalid' };
  const normalized = addressKey(parts);
  const matching = sendersOf(user).filter((s) => (s.kind === 'domain' ? domainCovers(s.value, parts.domain) : s.value === normalized));
  const by = matching.find((s) => s.verified);
  if (by) return { ok: true, by };
  return matching.length > 0 ? { ok: false, reason: 'not-verified', pending: matching } : { ok: false, reason: 'not-authorized' };
}

/** Explains a refusal in words the troubleshooting page can quote. */
export function describeSenderRefusal(what: string, address: string, userName: string, reason: Exclude<SenderVerdict, { ok: true }>['reason']): string {
  switch (reason) {
    case 'invalid':
      return `${what} <${address}> is not a valid address`;
    case 'not-verified':
      return `${what} <${address}> is authorized for SMTP user ${userName} but not verified yet; verify it in Relay Desk under Senders`;
    case 'not-authorized':
      return `${what} <${address}> is not authorized for SMTP user ${userName}; add its domain (e.g. company.com, not www.company.com) or the address to the user's authorized senders`;
  }
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** What the trusted-device rule reads of a user. */
type TrustingUser = Pick<RelayUser, 'name' | 'trustedClients'>;

/**
 * Maps a client address to the user whose trusted devices include it; the
 * first such user in configuration order wins. Every user keeps its place,
 * with or without devices, so that changing users one by one gives the
 * same answers as configuring them all again.
 */
export class TrustedClients {
  private readonly entries = new Map<string, Range[]>();
  /**
   * Answers already worked out, by client address: with 10,000 users a scan
   * per connection costs milliseconds, and an office's devices come back from
   * the same few addresses. Any change of users starts it afresh.
   */
  private readonly answers = new Map<string, string | null>();

  constructor(users: TrustingUser[]) {
    this.update(users, []);
  }

  update(upsert: TrustingUser[], remove: string[]): void {
    for (const user of upsert) this.entries.set(user.name, user.trustedClients.flatMap(parseRange));
    for (const name of remove) this.entries.delete(name);
    this.answers.clear();
  }

  userFor(remoteAddress: string): string | null {
    const known = this.answers.get(remoteAddress);
    if (known !== undefined) return known;
    // Bounded: a scan from many addresses only costs the scans.
    if (this.answers.size >= MAX_REMEMBERED_ADDRESSES) this.answers.clear();
    const answer = this.scan(remoteAddress);
    this.answers.set(remoteAddress, answer);
    return answer;
  }

  private scan(remoteAddress: string): string | null {
    let address: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      address = ipaddr.process(remoteAddress);
    } catch {
      return null;
    }
    for (const [user, ranges] of this.entries) {
      if (ranges.some(([net, bits]) => net.kind() === address.kind() && address.match([net, bits] as never))) return user;
    }
    return null;
  }
}

const MAX_REMEMBERED_ADDRESSES = 10_000;

function parseRange(text: string): Range[] {
  try {
    if (text.includes('/')) return [ipaddr.parseCIDR(text)];
    const single = ipaddr.process(text);
    return [[single, single.kind() === 'ipv4' ? 32 : 128]];
  } catch {
    // The host validates trusted addresses; one that slips through authorizes nothing.
    return [];
  }
}
