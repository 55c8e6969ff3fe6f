/**
 * "Can this user send as this address?", answered by the relay's own rule:
 * the user's senders as the relay is given them (relay-config.ts) through
 * the relay's checkSender, the inactive user refused first as the relay's
 * MAIL FROM does. The words around the verdict name the sender that decided
 * and what to change.
 */
import { domainCovers } from '../../../../relay/protocol.js';
import { checkSender, splitAddress, TrustedClients } from '../../../../relay/shared/sender-policy.js';
import { ApiError, type MethodInput } from '../../../api/contract.js';
import type { CanSendResult } from '../../../api/schemas/doctor.js';
import type { HostContext } from '../../context.js';
import { relaySenders } from '../../relay-config.js';
import type { StoreData, StoredUser } from '../../store/schema.js';
import { addressKey, domainKey } from '../senders/names.js';
import { addressStatus, coveringDomain, domainStatus } from '../senders/status.js';

function authorizedOf(data: Readonly<StoreData>, user: StoredUser): CanSendResult['authorized'] {
  return [
    ...user.domains.map((value) => ({ kind: 'domain' as const, value, status: domainStatus(data, value) })),
    ...user.addresses.map((value) => ({ kind: 'address' as const, value, status: addressStatus(data, value) })),
  ];
}

function listed(authorized: CanSendResult['authorized'], kind: 'domain' | 'address'): string {
  const entries = authorized.filter((a) => a.kind === kind).map((a) => `${a.value} (${a.status === 'missing' ? 'not among the senders' : a.status})`);
  return entries.length > 0 ? entries.join(', ') : 'none';
}

/** How the relay identifies a device at this address that does not log in (the first user trusting it, in the relay's order). */
function clientNote(ctx: HostContext, user: string, client: string): string {
  const trusted = new TrustedClients([...ctx.store.users.values()]).userFor(client);
  if (trusted === user) return `A device at ${client} is trusted for ${user}: it sends as ${user} without logging in.`;
  if (trusted !== null) return `A device at ${client} that does not log in sends as ${trusted} (it is trusted for that user), not as ${user}: to send as ${user} it must log in.`;
  return `${client} is not a trusted device address: a device there must log in as ${user}.`;
}

const since = (at: string) => at.replace('T', ' ').slice(0, 16) + ' UTC';

function pendingAddress(data: Readonly<StoreData>, userName: string, address: string): Pick<CanSendResult, 'rule' | 'explanation' | 'fix'> {
  const stored = data.senders.addresses.find((a) => addressKey(a.address) === addressKey(address));
  if (!stored) {
    return {
      rule: 'address-pending',
      explanation: `${address} is one of ${userName}'s addresses but is not among the sender addresses, so it was never verified.`,
      fix: `Add ${address} under Senders and enter the code mailed to it.`,
    };
  }
  const mailed = stored.codeSentAt ? `; a code was mailed to it at ${since(stored.codeSentAt)}` : '; no code was mailed to it yet';
  return {
    rule: 'address-pending',
    explanation: `${address} is authorized for ${userName} but pending verification since ${since(stored.addedAt)}${mailed}.`,
    fix: `Enter the code from that mail under Senders (or send a new one), or verify its domain through DNS.`,
  };
}

function pendingDomain(data: Readonly<StoreData>, userName: string, domain: string): Pick<CanSendResult, 'rule' | 'explanation' | 'fix'> {
  const stored = data.senders.domains.find((d) => domainKey(d.domain) === domainKey(domain));
  const state = stored ? `its DNS record has not been verified since it was added at ${since(stored.addedAt)}` : 'it is not among the sender domains';
  return {
    rule: 'domain-pending',
    explanation: `${domain} is authorized for ${userName}, but ${state}.`,
    fix: stored ? `Publish the TXT record shown for ${domain} under Senders, then check it.` : `Add ${domain} under Senders and publish its TXT record.`,
  };
}

function notAuthorized(data: Readonly<StoreData>, user: StoredUser, address: string, authorized: CanSendResult['authorized']): Pick<CanSendResult, 'explanation' | 'fix'> {
  const domain = splitAddress(address)?.domain ?? '';
  const senders = authorized.length === 0 ? 'it has no authorized domains or addresses' : `its authorized domains are ${listed(authorized, 'domain')}, its addresses ${listed(authorized, 'address')}`;
  const explanation = `${domain} is not authorized for ${user.name}; ${senders}.`;
  // MailUp's most common mistake: the web site's name entered instead of the mail domain.
  // An entry from before such names were refused at entry.
  const www = user.domains.find((d) => domainKey(d).startsWith('www.') && domainCovers(domainKey(d).slice(4), domain));
  if (www) return { explanation, fix: `${www} covers only addresses at ${www}: enter ${www.slice(4)} instead (the mail domain, not the web site's www. name).` };
  if (domain.startsWith('www.')) {
    return { explanation, fix: `${domain} is a web server's name: authorize the mail domain ${domain.slice(4)} for ${user.name} (it covers ${domain} too), or send from an address at ${domain.slice(4)}.` };
  }
  const verified = coveringDomain(data, address);
  if (verified) return { explanation, fix: `Add ${verified} (verified already) or the address ${address} to ${user.name}'s senders.` };
  const usable = authorized.filter((a) => a.kind === 'domain' && a.status === 'verified').map((a) => a.value);
  const instead = usable.length > 0 ? `, or use an address at ${usable.join(' or ')}` : '';
  return { explanation, fix: `Add ${domain} (then verify it through DNS) or the address ${address} to ${user.name}'s senders${instead}.` };
}

export function canSend(ctx: HostContext, input: MethodInput<'doctor.canSend'>): CanSendResult {
  const data = ctx.store.data;
  const user = ctx.store.users.get(input.user);
  if (!user) throw new ApiError('not_found', `There is no SMTP user ${input.user}.`, 'user');
  const authorized = authorizedOf(data, user);
  const base = { authorized, client: input.client ? clientNote(ctx, user.name, input.client) : null };
  const refused = (answer: Pick<CanSendResult, 'rule' | 'explanation' | 'fix'>): CanSendResult => ({ ...base, allowed: false, ...answer });

  if (!user.active) {
    return refused({
      rule: 'user-inactive',
      explanation: `${user.name} is inactive: the relay refuses its logins and the mail of devices trusted for it, whatever the sender.`,
      fix: `Make ${user.name} active on the Users screen.`,
    });
  }
  const address = input.address;
  const verdict = checkSender(address, { senders: relaySenders(data, user.domains, user.addresses) });
  if (verdict.ok) {
    const by = verdict.by;
    if (by.kind === 'domain') {
      const name = user.domains.find((d) => domainKey(d) === by.value) ?? by.value;
      return { ...base, allowed: true, rule: 'verified-domain', explanation: `${address} is at ${name}, a verified domain ${user.name} is authorized for.`, fix: null };
    }
    const covering = addressStatus(data, address) === 'covered' ? coveringDomain(data, address) : null;
    return covering
      ? { ...base, allowed: true, rule: 'covered-address', explanation: `${address} is one of ${user.name}'s addresses, covered by the verified domain ${covering}.`, fix: null }
      : { ...base, allowed: true, rule: 'verified-address', explanation: `${address} is one of ${user.name}'s addresses, verified by its code.`, fix: null };
  }
  switch (verdict.reason) {
    case 'invalid':
      return refused({ rule: 'invalid-address', explanation: `${address} is not a valid mail address.`, fix: 'Enter the whole address, as in info@company.com.' });
    case 'not-verified': {
      const pending = verdict.pending.find((s) => s.kind === 'address') ?? verdict.pending[0];
      if (pending?.kind === 'address') return refused(pendingAddress(data, user.name, address));
      const name = user.domains.find((d) => domainKey(d) === pending?.value) ?? pending?.value ?? address;
      return refused(pendingDomain(data, user.name, name));
    }
    case 'not-authorized':
      return refused({ rule: 'not-authorized', ...notAuthorized(data, user, address, authorized) });
  }
}
