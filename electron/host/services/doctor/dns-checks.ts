/**
 * DNS for each verified domain, read through the DNS servers Relay Desk is
 * set to use, as a receiving server would read it: the verification record,
 * SPF (does it let the addresses mail leaves from send?), the DKIM key
 * (the one the relay signs with?) and DMARC (present, its policy). Each
 * check that finds something to change says what to publish.
 */
import { BlockList, isIPv4 } from 'node:net';
import { errnoCode } from '../../../../relay/shared/errors.js';
import type { DnsRecord } from '../../../api/schemas/common.js';
import type { DoctorCheck } from '../../../api/schemas/doctor.js';
import type { HostContext } from '../../context.js';
import type { SenderDomain } from '../../store/schema.js';
import { checkVerificationRecord, describeDnsFailure, txtLookup, type TxtLookup } from '../senders/dns-check.js';
import { dkimName, dkimPublicKeyOf, dkimRecord, verificationRecord, type DkimKeyType } from '../senders/records.js';
import { lanAddresses } from '../server/lan-addresses.js';
import { hostAddresses, spfAllows, spfRecords } from './spf.js';

type Status = DoctorCheck['status'];
const txt = (name: string, value: string): DnsRecord => ({ type: 'TXT', name, value });

/** Addresses no receiver on the internet sees a message come from. */
const NOT_PUBLIC = new BlockList();
for (const [net, bits] of [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['127.0.0.0', 8], ['169.254.0.0', 16], ['100.64.0.0', 10]] as const) NOT_PUBLIC.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['fc00::', 7], ['fe80::', 10], ['::1', 128]] as const) NOT_PUBLIC.addSubnet(net, bits, 'ipv6');

/** Where mail leaves from as receivers see it: the smarthost's addresses, or this computer's public ones; null when that cannot be known here. */
async function sendingAddresses(ctx: HostContext, resolve: (name: string) => Promise<string[]>): Promise<{ what: string; addresses: string[] } | null> {
  const upstream = ctx.store.data.upstream;
  if (upstream.mode === 'smarthost') {
    const addresses = isIPv4(upstream.host) || upstream.host.includes(':') ? [upstream.host] : await resolve(upstream.host);
    return addresses.length > 0 ? { what: `the smarthost ${upstream.host} (${addresses.join(', ')})`, addresses } : null;
  }
  const own = lanAddresses().filter((a) => !NOT_PUBLIC.check(a, isIPv4(a) ? 'ipv4' : 'ipv6'));
  return own.length > 0 ? { what: `this computer (${own.join(', ')})`, addresses: own } : null;
}

const TITLES = { verification: 'verification record', spf: 'SPF', dkim: 'DKIM', 'dkim-ed25519': 'DKIM (Ed25519)', dmarc: 'DMARC' } as const;

function check(domain: string, part: keyof typeof TITLES, status: Status, summary: string, fix: string | null, details: string[], publish: DnsRecord[] = []): DoctorCheck {
  return { id: `dns:${domain}:${part}`, title: `${domain} ${TITLES[part]}`, status, summary, fix, details, publish };
}

async function read(lookup: TxtLookup, name: string): Promise<{ values: string[] } | { error: unknown }> {
  try {
    return { values: await lookup(name) };
  } catch (err) {
    const code = errnoCode(err);
    return code === 'ENOTFOUND' || code === 'ENODATA' ? { values: [] } : { error: err };
  }
}

async function verificationCheck(lookup: TxtLookup, d: SenderDomain, servers: readonly string[]): Promise<DoctorCheck> {
  const record = verificationRecord(d.domain, d.token);
  const result = await checkVerificationRecord(lookup, d.domain, record.value, servers);
  if (result.ok) return check(d.domain, 'verification', 'ok', result.reason, null, []);
  return check(d.domain, 'verification', 'warning', `${result.reason} The domain stays verified; leave the record published so it can be checked again.`, 'Publish this record again.', [], [record]);
}

async function spfCheck(ctx: HostContext, lookup: TxtLookup, domain: string, servers: readonly string[]): Promise<DoctorCheck> {
  const found = await read(lookup, domain);
  if ('error' in found) return check(domain, 'spf', 'warning', describeDnsFailure(found.error, domain, servers), null, []);
  const records = spfRecords(found.values);
  const sender = await sendingAddresses(ctx, (name) => hostAddresses(servers, name));
  const mechanism = sender ? sender.addresses.map((a) => `${isIPv4(a) ? 'ip4' : 'ip6'}:${a}`).join(' ') : null;
  if (records.length === 0) {
    const value = `v=spf1 ${mechanism ?? 'ip4:YOUR.PUBLIC.ADDRESS'} ~all`;
    return check(domain, 'spf', 'warning', `${domain} has no SPF record: receivers cannot tell which servers may send its mail, and some junk it.`, `Publish an SPF record${sender ? '' : " naming your office's public address"} (a provider's smarthost: add the include: it documents).`, found.values, [txt(domain, value)]);
  }
  if (records.length > 1) {
    return check(domain, 'spf', 'problem', `${domain} has ${records.length} SPF records: receivers treat that as an error (RFC 7208 permerror) and ignore them all.`, 'Merge them into one record.', records);
  }
  const record = records[0] ?? '';
  if (!sender) {
    return check(domain, 'spf', 'warning', `${domain}'s SPF record is "${record}"; whether it lets this computer's public address send is unknown: Relay Desk cannot see that address from here.`, "Make sure the record names your office's public address (ip4:…).", [record]);
  }
  const verdict = await spfAllows(domain, sender.addresses, lookup, servers);
  if (verdict.kind === 'pass') return check(domain, 'spf', 'ok', `${domain}'s SPF record lets ${sender.what} send: ${verdict.address} matches ${verdict.mechanism}.`, null, [record]);
  if (verdict.kind === 'unknown') return check(domain, 'spf', 'warning', `${domain}'s SPF record is "${record}"; whether it lets ${sender.what} send is unknown: ${verdict.reason}.`, null, [record]);
  const fixed = record.replace(/\s+([~?-]?all)\s*$/i, ` ${mechanism ?? ''} $1`);
  return check(domain, 'spf', ctx.store.data.upstream.mode === 'smarthost' ? 'warning' : 'problem', `${domain}'s SPF record does not name ${sender.what}: receivers may refuse or junk its mail.`, ctx.store.data.upstream.mode === 'smarthost' ? "Add the include: your provider documents for its outgoing servers (they may differ from the server you log in to), or the smarthost's address as below." : 'Add this computer\'s address to the record:', [record], [txt(domain, fixed === record ? `${record} ${mechanism ?? ''}` : fixed)]);
}

/** One of the relay's DKIM keys: is the record that publishes it there, with that key? */
async function dkimKeyCheck(lookup: TxtLookup, domain: string, key: { selector: string; publicKey: string; type: DkimKeyType }, servers: readonly string[]): Promise<DoctorCheck> {
  const part = key.type === 'rsa' ? 'dkim' : 'dkim-ed25519';
  const name = dkimName(domain, key.selector);
  const record = dkimRecord(domain, key.selector, key.publicKey, key.type);
  const found = await read(lookup, name);
  if ('error' in found) return check(domain, part, 'warning', describeDnsFailure(found.error, name, servers), null, []);
  if (found.values.some((v) => dkimPublicKeyOf(v) === key.publicKey)) return check(domain, part, 'ok', `The DKIM record ${name} holds the key the relay signs ${domain}'s mail with.`, null, []);
  const missing = found.values.length === 0;
  // Receivers pass mail on any one good signature: a broken Ed25519 one beside a good RSA one loses nothing.
  const [status, summary] =
    key.type === 'rsa'
      ? (['problem', missing ? `No DKIM record ${name} is published: receivers cannot check the relay's signature on ${domain}'s mail.` : `The DKIM record ${name} holds a different key than the relay signs with: receivers find the signature broken.`] as const)
      : (['warning', `${missing ? `No DKIM record ${name} is published` : `The DKIM record ${name} holds a different key than the relay signs with`}: receivers that check Ed25519 signatures find that one broken and go by the RSA signature.`] as const);
  return check(domain, part, status, summary, `Publish this record${missing ? '' : ' in place of the one there'}:`, found.values.map((v) => (v.length > 80 ? `${v.slice(0, 77)}...` : v)), [record]);
}

/** The RSA key's record, and the Ed25519 key's where the admin turned that signature on. */
async function dkimChecks(lookup: TxtLookup, d: SenderDomain, servers: readonly string[]): Promise<DoctorCheck[]> {
  if (!d.dkimSelector || !d.dkimPublicKey) return [check(d.domain, 'dkim', 'warning', `Relay Desk has no DKIM key for ${d.domain}: its mail goes out unsigned.`, 'Check the domain again under Senders; a key is made when it is verified.', [])];
  const keys = [{ selector: d.dkimSelector, publicKey: d.dkimPublicKey, type: 'rsa' as const }, ...(d.dkimEd25519 ? [{ ...d.dkimEd25519, type: 'ed25519' as const }] : [])];
  return Promise.all(keys.map((key) => dkimKeyCheck(lookup, d.domain, key, servers)));
}

async function dmarcCheck(lookup: TxtLookup, domain: string, servers: readonly string[]): Promise<DoctorCheck> {
  const name = `_dmarc.${domain}`;
  const suggested = txt(name, 'v=DMARC1; p=none');
  const found = await read(lookup, name);
  if ('error' in found) return check(domain, 'dmarc', 'warning', describeDnsFailure(found.error, name, servers), null, []);
  const records = found.values.filter((v) => /^v=DMARC1(\s*;|$)/i.test(v.trim()));
  if (records.length === 0) {
    return check(domain, 'dmarc', 'warning', `No DMARC record ${name} is published: large receivers (Gmail, Yahoo, Microsoft) expect one from domains that send much mail.`, 'Publish one; "p=none" only asks for reports, a stricter policy can follow once SPF and DKIM pass.', found.values, [suggested]);
  }
  if (records.length > 1) return check(domain, 'dmarc', 'problem', `${name} holds ${records.length} DMARC records: receivers ignore them all.`, 'Keep one.', records);
  const record = records[0] ?? '';
  const policy = /(?:^|;)\s*p\s*=\s*([a-z]+)/i.exec(record)?.[1]?.toLowerCase();
  if (!policy || !['none', 'quarantine', 'reject'].includes(policy)) {
    return check(domain, 'dmarc', 'problem', `The DMARC record ${name} has no valid policy (p=none, quarantine or reject): receivers ignore it.`, 'Publish this record instead:', [record], [suggested]);
  }
  const meaning = { none: 'receivers only report failures', quarantine: 'receivers junk mail that fails SPF and DKIM', reject: 'receivers refuse mail that fails SPF and DKIM' }[policy as 'none' | 'quarantine' | 'reject'];
  return check(domain, 'dmarc', 'ok', `The DMARC record ${name} is published with policy ${policy}: ${meaning}.`, null, [record]);
}

/** Four checks per verified domain (five with an Ed25519 key), in the order of the domains under Senders. */
export async function dnsChecks(ctx: HostContext): Promise<DoctorCheck[]> {
  const servers = ctx.dnsServers();
  const lookup = txtLookup(servers);
  const verified = ctx.store.data.senders.domains.filter((d) => d.status === 'verified');
  const perDomain = await Promise.all(
    verified.map(async (d) => (await Promise.all([verificationCheck(lookup, d, servers), spfCheck(ctx, lookup, d.domain, servers), dkimChecks(lookup, d, servers), dmarcCheck(lookup, d.domain, servers)])).flat()),
  );
  return perDomain.flat();
}
