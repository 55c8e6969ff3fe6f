/**
 * The address verification codes are mailed from. A smarthost (Microsoft
 * 365, Gmail, any provider checking SPF and DMARC) refuses or junks mail
 * from an address it does not vouch for, such as relay-desk@<machine name>.
 * So codes go out from an address the admin chose, which must be one Relay
 * Desk knows is theirs: verified by its own code, at a verified domain (whose
 * mail the relay signs with DKIM), or the smarthost account's own address.
 * Without a choice: the smarthost account's address when it is one; this
 * machine's name only with direct delivery, where there is no account; and
 * otherwise none, and no code is mailed until the admin chooses.
 */
import { ApiError } from '../../../api/contract.js';
import type { CodeFromView } from '../../../api/schemas/senders.js';
import type { HostContext } from '../../context.js';
import type { StoreData } from '../../store/schema.js';
import { checkAddress, parseAddress, sameAddress } from './names.js';
import { addressMaySend } from './status.js';

/** The smarthost account, when it logs in with an email address (as Microsoft 365 and Gmail accounts do). */
function smarthostAddress(upstream: StoreData['upstream']): string | null {
  if (upstream.mode !== 'smarthost' || !upstream.user) return null;
  const checked = checkAddress(upstream.user);
  return checked.ok ? checked.address : null;
}

/** Whether codes may go out from `address`: a sender Relay Desk knows is the admin's. */
function mayMailFrom(data: Readonly<StoreData>, address: string): boolean {
  const account = smarthostAddress(data.upstream);
  return addressMaySend(data, address) || (account !== null && sameAddress(account, address));
}

type Problem = { code: NonNullable<CodeFromView['problem']>['code']; reason: string };

/** Why no code can be mailed; the reason is words that finish "could not be sent: …". */
function problemOf(data: Readonly<StoreData>): Problem | null {
  const chosen = data.senders.codeFrom;
  if (data.upstream.mode === 'none') return { code: 'no_upstream', reason: 'no upstream is set: choose a smarthost or direct delivery under Server first' };
  if (chosen !== null && !mayMailFrom(data, chosen)) {
    return {
      code: 'chosen_not_verified',
      reason: `codes are to be mailed from ${chosen}, which is no longer a verified sender: choose another address to mail them from`,
    };
  }
  if (chosen === null && data.upstream.mode === 'smarthost' && smarthostAddress(data.upstream) === null) {
    return {
      code: 'no_address',
      reason:
        'no address is chosen to mail codes from, and the smarthost logs in with no account address to use instead: ' +
        'verify your domain under Senders (a DNS record, no mail needed), then choose an address at it',
    };
  }
  return null;
}

type Resolved = { from: string; source: NonNullable<CodeFromView['source']> } | { problem: Problem };

/** Where codes go out from now, or why none can (words that finish "could not be sent: …"). */
function resolve(ctx: HostContext): Resolved {
  const data = ctx.store.data;
  const problem = problemOf(data);
  if (problem !== null) return { problem };
  const chosen = data.senders.codeFrom;
  if (chosen !== null) return { from: chosen, source: 'chosen' };
  const account = smarthostAddress(data.upstream);
  if (account !== null) return { from: account, source: 'smarthost-account' };
  return { from: `relay-desk@${ctx.hostname()}`, source: 'machine-name' };
}

export function codeFromView(ctx: HostContext): CodeFromView {
  const chosen = ctx.store.data.senders.codeFrom;
  const resolved = resolve(ctx);
  if ('problem' in resolved) {
    const { code, reason } = resolved.problem;
    return { chosen, from: null, source: null, problem: { code, message: `${reason.charAt(0).toUpperCase()}${reason.slice(1)}.` } };
  }
  return { chosen, ...resolved, problem: null };
}

/** The From of a code mail, or why there is none. */
export function codeMailFrom(ctx: HostContext): { ok: true; from: string } | { ok: false; reason: string } {
  const resolved = resolve(ctx);
  return 'problem' in resolved ? { ok: false, reason: resolved.problem.reason } : { ok: true, from: resolved.from };
}

/** Chooses the address codes are mailed from (null: back to the default); refused unless it is one Relay Desk knows is the admin's. */
export async function chooseCodeFrom(ctx: HostContext, input: string | null): Promise<CodeFromView> {
  const address = input === null ? null : parseAddress(input);
  await ctx.store.update((draft) => {
    if (address !== null && !mayMailFrom(draft, address)) {
      const account = smarthostAddress(draft.upstream);
      throw new ApiError(
        'code_from_not_verified',
        `${address} is not a verified sender: verify it (or its domain) under Senders first, or choose ${account ? `the smarthost account ${account}` : 'a verified address'}.`,
        'address',
      );
    }
    draft.senders.codeFrom = address;
  });
  return codeFromView(ctx);
}
