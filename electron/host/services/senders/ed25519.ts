/**
 * A verified domain's optional Ed25519 DKIM signature (RFC 8463): turning it
 * on makes a key (private half in the vault) and a second record to publish;
 * turning it off deletes the key. Receivers that do not check Ed25519 ignore
 * that signature and check the RSA one, which the relay always adds.
 */
import { ApiError } from '../../../api/contract.js';
import type { HostContext } from '../../context.js';
import type { SenderDomain } from '../../store/schema.js';
import { vaultNames } from '../../vault-names.js';
import { DKIM_ED25519_SELECTOR, generateEd25519DkimKey } from './records.js';

/** Sets whether `domain` signs with Ed25519 too; true when that changed what the relay signs with. */
export async function setEd25519(ctx: HostContext, domain: string, on: boolean): Promise<boolean> {
  const found = ctx.store.data.senders.domains.find((d) => d.domain === domain);
  if (!found) throw new ApiError('not_found', `${domain} is not among the sender domains.`, 'domain');
  if (found.status !== 'verified') {
    throw new ApiError('domain_not_verified', `${domain} is not verified yet: publish its verification record and check it first; its signing keys are made then.`, 'domain');
  }
  if (on === (found.dkimEd25519 !== null)) return false;
  const key = on ? generateEd25519DkimKey() : null;
  // The key is in the vault before the record names it, and out of the record before it leaves the vault.
  if (key) await ctx.vault.change((e) => e.set(vaultNames.dkimEd25519Key(domain), key.privateKey));
  await ctx.store.update((draft) => {
    const d: SenderDomain | undefined = draft.senders.domains.find((x) => x.domain === domain);
    if (!d) throw new ApiError('not_found', `${domain} was removed meanwhile.`, 'domain');
    d.dkimEd25519 = key ? { selector: DKIM_ED25519_SELECTOR, publicKey: key.publicKey } : null;
  });
  if (!key) await ctx.vault.change((e) => e.delete(vaultNames.dkimEd25519Key(domain)));
  return true;
}
