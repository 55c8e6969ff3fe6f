/**
 * A sender address's life: added pending, a 6-digit code mailed through the
 * relay, the code confirmed (24 hours, five tries, single use; the code
 * lives in the vault, never in the settings).
 */
import { ApiError } from '../../../api/contract.js';
import type { AddressView } from '../../../api/schemas/senders.js';
import type { HostContext } from '../../context.js';
import type { SenderAddress, StoreData } from '../../store/schema.js';
import { CODE_DIGITS, checkCode, codeMessage, humanDate, newCode, parseCodeEntry, type CodeEntry } from './address-codes.js';
import { codeMailFrom } from './code-from.js';
import { exclusive } from './exclusive.js';
import { parseAddress } from './names.js';
import { coveringDomain } from './status.js';
import { addressView, authorizedIndex } from './views.js';
import { errorMessage } from '../../../../relay/shared/errors.js';
import { vaultNames } from '../../vault-names.js';

export function findAddress(data: Readonly<StoreData>, address: string): SenderAddress {
  const found = data.senders.addresses.find((a) => a.address === address);
  if (!found) throw new ApiError('not_found', `${address} is not among the sender addresses.`, 'address');
  return found;
}

export function since(iso: string | null): string {
  return iso ? ` since ${humanDate(new Date(iso))}` : '';
}

/** What starting an address's verification did. */
export type VerificationStart =
  /** It was a sender already: nothing was done. */
  | { result: 'known' }
  /** Added; it is at this verified domain, so no code was needed. */
  | { result: 'covered'; domain: string }
  | { result: 'mailed' }
  /** Added, pending; the code could not be mailed, for `reason` ("the relay is not running"). */
  | { result: 'not-mailed'; reason: string };

/**
 * Adds `address` as a pending sender and mails it a code, unless a verified
 * domain covers it; does nothing when the address is already a sender.
 * Throws 'invalid_address' for input that is not an address. When the code
 * cannot be mailed the address stays pending, and "Resend code" sends one later.
 */
export async function startAddressVerification(ctx: HostContext, address: string): Promise<VerificationStart> {
  const normalized = parseAddress(address);
  const added = await exclusive(ctx, async () => {
    if (ctx.store.data.senders.addresses.some((a) => a.address === normalized)) return false;
    await addPendingAddress(ctx, normalized);
    return true;
  });
  if (!added) return { result: 'known' };
  const domain = coveringDomain(ctx.store.data, normalized);
  if (domain) return { result: 'covered', domain };
  const sent = await mailCode(ctx, normalized);
  return sent.ok ? { result: 'mailed' } : { result: 'not-mailed', reason: sent.reason };
}

export async function addPendingAddress(ctx: HostContext, address: string): Promise<void> {
  const now = new Date().toISOString();
  await ctx.store.update((draft) => {
    draft.senders.addresses.push({ address, status: 'pending', addedAt: now, verifiedAt: null, method: null, codeSentAt: null });
  });
}

/** Mails a new code, or throws 'mail_failed' saying why it could not. */
export async function sendCode(ctx: HostContext, address: string): Promise<void> {
  const sent = await mailCode(ctx, address);
  if (!sent.ok) {
    throw new ApiError(
      'mail_failed',
      `The verification code could not be sent to ${address}: ${sent.reason}. The address stays pending; send the code again once mail can be sent.`,
      'address',
    );
  }
}

/**
 * Makes a new code and hands its mail to the relay; only once the relay has
 * queued it does the code replace the previous one, so a failed resend
 * leaves the earlier code working.
 */
async function mailCode(ctx: HostContext, address: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  const sender = codeMailFrom(ctx);
  if (!sender.ok) return sender;
  const { from } = sender;
  const now = new Date();
  const { code, entry } = newCode(now);
  try {
    await ctx.submitMail({ from, to: [address], content: codeMessage({ from, to: address, code, hostname: ctx.hostname(), now }) });
  } catch (err) {
    return { ok: false, reason: errorMessage(err) };
  }
  await exclusive(ctx, async () => {
    const current = ctx.store.data.senders.addresses.find((a) => a.address === address);
    // Removed or confirmed while the mail was being queued: the code is not needed.
    if (current?.status !== 'pending') return;
    await ctx.vault.change((e) => e.set(vaultNames.addressCode(address), JSON.stringify(entry)));
    await ctx.store.update((draft) => {
      const a = draft.senders.addresses.find((x) => x.address === address);
      if (a) a.codeSentAt = now.toISOString();
    });
  });
  return { ok: true };
}

export async function confirm(ctx: HostContext, address: string, input: string): Promise<AddressView> {
  const now = new Date();
  const current = findAddress(ctx.store.data, address);
  if (current.status === 'verified') {
    throw new ApiError('already_verified', `${address} is already verified${since(current.verifiedAt)}; there is nothing to confirm.`, 'address');
  }
  const entry = parseCodeEntry(ctx.vault.get(vaultNames.addressCode(address)));
  if (!entry) {
    throw new ApiError('no_code', `No code is waiting for ${address}: none has been sent yet. Send a code first.`, 'address');
  }
  const check = checkCode(entry, input, now);
  const keep = (next: CodeEntry) => ctx.vault.change((e) => e.set(vaultNames.addressCode(address), JSON.stringify(next)));
  switch (check.result) {
    case 'malformed':
      throw new ApiError('invalid_code', `The code is the ${CODE_DIGITS} digits from the mail sent to ${address}.`, 'code');
    case 'expired':
      throw new ApiError(
        'code_expired',
        `The code sent to ${address} expired on ${humanDate(new Date(entry.expiresAt))} (a code is valid for 24 hours). Send a new code.`,
        'code',
      );
    case 'too_many_tries':
      if (check.entry.tries !== entry.tries) await keep(check.entry);
      throw new ApiError('too_many_tries', `Too many wrong codes were entered for ${address}, so this code no longer works. Send a new code.`, 'code');
    case 'wrong':
      await keep(check.entry);
      throw new ApiError(
        'wrong_code',
        `That is not the code sent to ${address}. ${check.triesLeft} ${check.triesLeft === 1 ? 'try' : 'tries'} left.`,
        'code',
      );
    case 'ok':
      break;
  }
  const verified = await ctx.store.update((draft) => {
    const a = draft.senders.addresses.find((x) => x.address === address);
    if (!a) throw new ApiError('not_found', `${address} is not among the sender addresses.`, 'address');
    a.status = 'verified';
    a.verifiedAt = now.toISOString();
    a.method = 'email-code';
    return { ...a };
  });
  await ctx.vault.change((e) => e.delete(vaultNames.addressCode(address)));
  return addressView(ctx.store.data, verified, authorizedIndex(ctx));
}
