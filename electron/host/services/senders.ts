/**
 * Verified senders: domains proven through a DNS TXT record, addresses
 * through a code mailed to them, or covered by a verified domain they are at
 * (senders/status.ts). Only verified senders authorize a user to send. A
 * domain change reaches the relay through ctx.relayChanged() (the
 * configuration carries the domains' DKIM keys, and which addresses they
 * cover); an address change only
 * through the users it is authorized for (ctx.usersChanged()). A verified domain
 * also gets a DKIM key, whose private half lives in the vault as
 * `vaultNames.dkimKey(domain)`, and may get an Ed25519 one beside it
 * (senders/ed25519.ts).
 *
 * Every change to senders runs one at a time per host (senders/exclusive.ts);
 * DNS lookups and handing mail to the relay happen outside that queue. The
 * address flow (code mailed, confirmed) is in senders/address-flow.ts.
 */
import type { ApiImplementation } from '../../api/contract.js';
import { ApiError } from '../../api/contract.js';
import type { HostContext } from '../context.js';
import type { SenderDomain, StoreData } from '../store/schema.js';
import { addPendingAddress, confirm, findAddress, sendCode, since } from './senders/address-flow.js';
import { checkVerificationRecord, describeDkimRecord, txtLookup } from './senders/dns-check.js';
import { parseAddress, parseDomain, sameAddress, sameDomain } from './senders/names.js';
import { DKIM_SELECTOR, generateDkimKey, newToken, verificationValue } from './senders/records.js';
import { chooseCodeFrom, codeFromView } from './senders/code-from.js';
import { setEd25519 } from './senders/ed25519.js';
import { exclusive } from './senders/exclusive.js';
import { addressStatus, coveringDomain } from './senders/status.js';
import { addressView, authorizedIndex, domainView } from './senders/views.js';
import { vaultNames } from '../vault-names.js';

export { checkAddress, checkDomainName, parseAddress, parseDomain } from './senders/names.js';
export { DKIM_SELECTOR } from './senders/records.js';
export { startAddressVerification, type VerificationStart } from './senders/address-flow.js';
export { addressMaySend, addressStatus, coveringDomain, domainStatus, isSenderAddress } from './senders/status.js';

type SendersApi = Pick<
  ApiImplementation,
  | 'senders.list'
  | 'senders.addDomain'
  | 'senders.checkDomain'
  | 'senders.setEd25519'
  | 'senders.removeDomain'
  | 'senders.addAddress'
  | 'senders.confirmAddress'
  | 'senders.resendCode'
  | 'senders.removeAddress'
  | 'senders.setCodeFrom'
>;

// ── views ──────────────────────────────────────────────────────────────────

/** The users a sender address is authorized for. */
function usersWithAddress(ctx: HostContext, address: string): string[] {
  const names: string[] = [];
  for (const user of ctx.store.users.values()) if (user.addresses.some((a) => sameAddress(a, address))) names.push(user.name);
  return names;
}

function findDomain(data: Readonly<StoreData>, domain: string): SenderDomain {
  const found = data.senders.domains.find((d) => d.domain === domain);
  if (!found) throw new ApiError('not_found', `${domain} is not among the sender domains.`, 'domain');
  return found;
}

/** "pending", "verified" or "covered by the verified domain company.com", as an address's status is said. */
function statusWords(data: Readonly<StoreData>, address: string): string {
  const status = addressStatus(data, address);
  return status === 'covered' ? `covered by the verified domain ${coveringDomain(data, address) ?? ''}` : status;
}

// ── domains ────────────────────────────────────────────────────────────────

/** Marks a pending domain verified with a new DKIM key; false when it was verified already. */
async function verifyDomain(ctx: HostContext, domain: string, check: { at: string; result: string }): Promise<boolean> {
  const current = findDomain(ctx.store.data, domain);
  if (current.status === 'verified') return false;
  const key = await generateDkimKey();
  await ctx.vault.change((e) => e.set(vaultNames.dkimKey(domain), key.privateKey));
  await ctx.store.update((draft) => {
    const d = draft.senders.domains.find((x) => x.domain === domain);
    if (!d) throw new ApiError('not_found', `${domain} is not among the sender domains.`, 'domain');
    d.status = 'verified';
    d.verifiedAt = check.at;
    d.method = 'dns-txt';
    d.dkimSelector = DKIM_SELECTOR;
    d.dkimPublicKey = key.publicKey;
    d.lastCheck = check;
  });
  return true;
}

// ── the service ────────────────────────────────────────────────────────────

export function sendersService(ctx: HostContext): SendersApi {
  return {
    'senders.list': () => {
      const { domains, addresses } = ctx.store.data.senders;
      const index = authorizedIndex(ctx);
      return Promise.resolve({
        domains: [...domains].sort((a, b) => a.domain.localeCompare(b.domain)).map((d) => domainView(d, index)),
        addresses: [...addresses].sort((a, b) => a.address.localeCompare(b.address)).map((a) => addressView(ctx.store.data, a, index)),
        codeFrom: codeFromView(ctx),
      });
    },

    'senders.addDomain': async ({ domain: input }) => {
      const domain = parseDomain(input, true);
      return exclusive(ctx, async () => {
        const existing = ctx.store.data.senders.domains.find((d) => d.domain === domain);
        if (existing) {
          throw new ApiError('already_exists', `${domain} is already a sender domain (${existing.status}).`, 'domain');
        }
        const added: SenderDomain = {
          domain,
          token: newToken(),
          status: 'pending',
          addedAt: new Date().toISOString(),
          verifiedAt: null,
          method: null,
          dkimSelector: null,
          dkimPublicKey: null,
          dkimEd25519: null,
          lastCheck: null,
        };
        await ctx.store.update((draft) => {
          draft.senders.domains.push(added);
        });
        return domainView(added, authorizedIndex(ctx));
      });
    },

    'senders.checkDomain': async ({ domain: input }) => {
      const domain = parseDomain(input, false);
      const before = findDomain(ctx.store.data, domain);
      const servers = ctx.dnsServers();
      const lookup = txtLookup(servers);
      const found = await checkVerificationRecord(lookup, domain, verificationValue(before.token), servers);
      const at = new Date().toISOString();
      let reason = found.reason;
      if (found.ok && before.status === 'pending') {
        reason += ` ${domain} is verified: its SMTP users may now send from any address at it. Publish the DKIM record shown here so receivers can check the relay's signatures.`;
      } else if (found.ok && before.dkimSelector && before.dkimPublicKey) {
        const dkim = await describeDkimRecord(lookup, domain, before.dkimSelector, before.dkimPublicKey);
        if (dkim) reason += ` ${dkim}`;
        const ed25519 = before.dkimEd25519 && (await describeDkimRecord(lookup, domain, before.dkimEd25519.selector, before.dkimEd25519.publicKey));
        if (ed25519) reason += ` ${ed25519}`;
      } else if (!found.ok && before.status === 'verified') {
        reason += ` ${domain} stays verified (verified${since(before.verifiedAt)}).`;
      }
      const check = { at, result: reason };

      const { view, changed } = await exclusive(ctx, async () => {
        const changed = found.ok && (await verifyDomain(ctx, domain, check));
        if (!changed) {
          await ctx.store.update((draft) => {
            const d = draft.senders.domains.find((x) => x.domain === domain);
            if (!d) throw new ApiError('not_found', `${domain} was removed while it was being checked.`, 'domain');
            d.lastCheck = check;
          });
        }
        return { view: domainView(findDomain(ctx.store.data, domain), authorizedIndex(ctx)), changed };
      });
      if (changed) await ctx.relayChanged();
      return { domain: view, verified: found.ok, reason };
    },

    'senders.setEd25519': async ({ domain: input, on }) => {
      const domain = parseDomain(input, false);
      const changed = await exclusive(ctx, () => setEd25519(ctx, domain, on));
      if (changed) await ctx.relayChanged();
      return domainView(findDomain(ctx.store.data, domain), authorizedIndex(ctx));
    },

    'senders.removeDomain': async ({ domain: input }) => {
      const domain = parseDomain(input, false);
      await exclusive(ctx, async () => {
        findDomain(ctx.store.data, domain);
        await ctx.store.update((draft, users) => {
          draft.senders.domains = draft.senders.domains.filter((d) => d.domain !== domain);
          for (const user of users.values()) {
            if (user.domains.some((d) => sameDomain(d, domain))) users.put({ ...user, domains: user.domains.filter((d) => !sameDomain(d, domain)) });
          }
        });
        await ctx.vault.change((e) => {
          e.delete(vaultNames.dkimKey(domain));
          e.delete(vaultNames.dkimEd25519Key(domain));
        });
      });
      await ctx.relayChanged();
      return { removed: domain };
    },

    'senders.addAddress': async ({ address: input }) => {
      const address = parseAddress(input);
      await exclusive(ctx, async () => {
        if (ctx.store.data.senders.addresses.some((a) => a.address === address)) {
          throw new ApiError('already_exists', `${address} is already a sender address (${statusWords(ctx.store.data, address)}).`, 'address');
        }
        await addPendingAddress(ctx, address);
      });
      // An address at a verified domain is proven already: no code.
      if (!coveringDomain(ctx.store.data, address)) await sendCode(ctx, address);
      return addressView(ctx.store.data, findAddress(ctx.store.data, address), authorizedIndex(ctx));
    },

    'senders.resendCode': async ({ address: input }) => {
      const address = parseAddress(input);
      const current = findAddress(ctx.store.data, address);
      if (current.status === 'verified') {
        throw new ApiError('already_verified', `${address} is already verified${since(current.verifiedAt)}; it needs no code.`, 'address');
      }
      const domain = coveringDomain(ctx.store.data, address);
      if (domain) {
        throw new ApiError('covered_by_domain', `${address} needs no code: it is covered by the verified domain ${domain}.`, 'address');
      }
      await sendCode(ctx, address);
      return addressView(ctx.store.data, findAddress(ctx.store.data, address), authorizedIndex(ctx));
    },

    'senders.confirmAddress': async ({ address: input, code }) => {
      const address = parseAddress(input);
      const view = await exclusive(ctx, () => confirm(ctx, address, code));
      // An address reaches the relay only through its users' senders (no DKIM key): just they are sent again.
      await ctx.usersChanged(usersWithAddress(ctx, address));
      return view;
    },

    'senders.setCodeFrom': ({ address }) => exclusive(ctx, () => chooseCodeFrom(ctx, address)),

    'senders.removeAddress': async ({ address: input }) => {
      const address = parseAddress(input);
      const affected = await exclusive(ctx, async () => {
        findAddress(ctx.store.data, address);
        const names = usersWithAddress(ctx, address);
        await ctx.store.update((draft, users) => {
          draft.senders.addresses = draft.senders.addresses.filter((a) => a.address !== address);
          for (const name of names) {
            const user = users.get(name);
            if (user) users.put({ ...user, addresses: user.addresses.filter((a) => !sameAddress(a, address)) });
          }
        });
        await ctx.vault.change((e) => e.delete(vaultNames.addressCode(address)));
        return names;
      });
      await ctx.usersChanged(affected);
      return { removed: address };
    },
  };
}
