/**
 * SMTP users and the lists they belong to (the seed's SMTP+ settings page).
 * A user's name is generated (s<accountId>_<n>, n never reused) and so is its
 * password, which is returned once, on creation or reset, and otherwise kept
 * only as a verifier in the vault.
 */
import { randomInt } from 'node:crypto';
import { createVerifier } from '../../../relay/shared/verifier.js';
import { ApiError, type ApiImplementation } from '../../api/contract.js';
import type { UserView, Verification } from '../../api/schemas/users.js';
import type { HostContext } from '../context.js';
import { hasWrittenProperties, type StoreData, type StoredUser } from '../store/schema.js';
import { parseEntries } from './entries.js';
import { findList, listFor } from './lists.js';
import { queryUsers } from './user-query.js';
import { addressStatus, coveringDomain, domainStatus, isSenderAddress, startAddressVerification } from './senders.js';
import { vaultNames } from '../vault-names.js';

type UsersApi = Pick<
  ApiImplementation,
  'users.list' | 'users.get' | 'users.nextName' | 'users.create' | 'users.update' | 'users.resetPassword' | 'users.delete'
>;
type UserChanges = Parameters<ApiImplementation['users.update']>[0];

const LETTERS = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
const PUNCTUATION = '.-_!#%+=';

/**
 * 12 characters with letters, digits and punctuation (like the seed's
 * "GCuzt.9zbo"), without look-alikes such as l/1 and O/0. It starts with a
 * letter: a leading "-" would be read as an option by command-line tools
 * (swaks, curl) that admins paste it into.
 */
export function generatePassword(length = 12): string {
  const all = LETTERS + DIGITS + PUNCTUATION;
  const pick = (set: string) => set.charAt(randomInt(set.length));
  const rest = [pick(LETTERS), pick(DIGITS), pick(PUNCTUATION)];
  while (rest.length < length - 1) rest.push(pick(all));
  for (let i = rest.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [rest[i], rest[j]] = [rest[j] ?? '', rest[i] ?? ''];
  }
  return pick(LETTERS) + rest.join('');
}

function view(data: Readonly<StoreData>, user: StoredUser): UserView {
  return {
    name: user.name,
    list: user.list,
    type: 'Smtp+',
    active: user.active,
    priority: user.priority,
    note: user.note,
    domains: user.domains.map((domain) => ({ domain, status: domainStatus(data, domain) })),
    addresses: user.addresses.map((address) => {
      const status = addressStatus(data, address);
      return status === 'covered' ? { address, status, coveredBy: coveringDomain(data, address) ?? '' } : { address, status };
    }),
    trustedClients: user.trustedClients,
    rateLimitPerHour: user.rateLimitPerHour,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

/** The n-th user's name; n is never reused. */
function userName(data: Readonly<StoreData>, n: number): string {
  return `s${data.accountId}_${n}`;
}

function find(users: { get(name: string): StoredUser | undefined }, name: string): StoredUser {
  const user = users.get(name);
  if (!user) throw new ApiError('not_found', `There is no SMTP user named ${name}.`, 'name');
  return user;
}

/** Checks the sender and device lists of a change; domains must be verified already. */
function parseSenders(data: Readonly<StoreData>, changes: UserChanges | Omit<UserChanges, 'name'>) {
  const domains = changes.domains === undefined ? undefined : parseEntries(changes.domains, 'domain', 'domains');
  for (const domain of domains ?? []) {
    if (domainStatus(data, domain) !== 'verified') {
      throw new ApiError(
        'domain_not_verified',
        `The domain ${domain} is not verified yet: add it under Senders and publish its TXT record, then choose it here.`,
        'domains',
      );
    }
  }
  return {
    domains,
    addresses: changes.addresses === undefined ? undefined : parseEntries(changes.addresses, 'address', 'addresses'),
    trustedClients: changes.trustedClients === undefined ? undefined : parseEntries(changes.trustedClients, 'client', 'trustedClients'),
  };
}

export function usersService(ctx: HostContext): UsersApi {
  const { store, vault } = ctx;

  /** The user's change to the relay; the whole configuration when a list was made for it with message properties written. */
  const tellRelay = async (name: string, listsBefore: number): Promise<void> => {
    if (store.data.lists.length > listsBefore && hasWrittenProperties(store.data.messagePropertiesDefault)) await ctx.relayChanged();
    else await ctx.usersChanged([name]);
  };

  /**
   * New addresses become senders and start their verification (a code is
   * mailed, unless a verified domain covers the address); known ones are left
   * as they are. The user is saved already, and its password must reach the
   * admin: an address whose code could not be mailed stays pending, shown so
   * on the user and under Senders, where the code can be sent again.
   */
  const verifyNewAddresses = async (addresses: string[] | undefined): Promise<Verification> => {
    const done: Verification = { mailed: [], covered: [], notMailed: [] };
    for (const address of addresses ?? []) {
      if (isSenderAddress(store.data, address)) continue;
      const start = await startAddressVerification(ctx, address);
      if (start.result === 'mailed') done.mailed.push(address);
      else if (start.result === 'covered') done.covered.push({ address, domain: start.domain });
      else if (start.result === 'not-mailed') done.notMailed.push({ address, reason: start.reason });
    }
    return done;
  };

  const setPassword = async (name: string) => {
    const password = generatePassword();
    const verifier = await createVerifier(password);
    await vault.change((e) => e.set(vaultNames.verifier(name), verifier));
    return password;
  };

  return {
    'users.list': (query) => {
      // "smtp+" asks for the list "SMTP+", as everywhere else.
      const list = query.list === undefined ? undefined : (findList(store.data.lists, query.list)?.name ?? query.list);
      const { page, total } = queryUsers(store, { ...query, list });
      // Views (with sender statuses) are made for the page only.
      return Promise.resolve({ users: page.map((u) => view(store.data, u)), total });
    },

    'users.get': ({ name }) => Promise.resolve(view(store.data, find(store.users, name))),

    'users.nextName': () => Promise.resolve({ name: userName(store.data, store.data.nextUserNumber) }),

    'users.create': async (input) => {
      const senders = parseSenders(store.data, input);
      const listsBefore = store.data.lists.length;
      const now = new Date().toISOString();
      const user = await store.update((draft, users) => {
        const created: StoredUser = {
          name: userName(draft, draft.nextUserNumber),
          list: listFor(draft, input.list, now),
          active: input.active ?? true,
          priority: input.priority ?? 3,
          note: input.note ?? '',
          domains: senders.domains ?? [],
          addresses: senders.addresses ?? [],
          trustedClients: senders.trustedClients ?? [],
          rateLimitPerHour: input.rateLimitPerHour ?? null,
          createdAt: now,
          updatedAt: now,
        };
        draft.nextUserNumber += 1;
        users.put(created);
        return created;
      });
      let password: string;
      try {
        password = await setPassword(user.name);
      } catch (err) {
        // Without its verifier the user could never log in: take it back.
        await store.update((_, users) => users.delete(user.name));
        throw err;
      }
      const verification = await verifyNewAddresses(senders.addresses);
      await tellRelay(user.name, listsBefore);
      return { user: view(store.data, find(store.users, user.name)), password, verification };
    },

    'users.update': async ({ name, ...changes }) => {
      find(store.users, name);
      const senders = parseSenders(store.data, changes);
      const listsBefore = store.data.lists.length;
      const now = new Date().toISOString();
      await store.update((draft, users) => {
        const user = { ...find(users, name), updatedAt: now };
        if (changes.list !== undefined) user.list = listFor(draft, changes.list, now);
        if (changes.active !== undefined) user.active = changes.active;
        if (changes.priority !== undefined) user.priority = changes.priority;
        if (changes.note !== undefined) user.note = changes.note;
        if (changes.rateLimitPerHour !== undefined) user.rateLimitPerHour = changes.rateLimitPerHour;
        if (senders.domains) user.domains = senders.domains;
        if (senders.addresses) user.addresses = senders.addresses;
        if (senders.trustedClients) user.trustedClients = senders.trustedClients;
        users.put(user);
      });
      const verification = await verifyNewAddresses(senders.addresses);
      // A note is the admin's alone: the relay is not told.
      if (Object.keys(changes).some((key) => key !== 'note')) await tellRelay(name, listsBefore);
      return { ...view(store.data, find(store.users, name)), verification };
    },

    'users.resetPassword': async ({ name }) => {
      find(store.users, name);
      const password = await setPassword(name);
      const now = new Date().toISOString();
      await store.update((_, users) => {
        const user = users.get(name);
        if (user) users.put({ ...user, updatedAt: now });
      });
      await ctx.usersChanged([name]);
      return { user: view(store.data, find(store.users, name)), password };
    },

    'users.delete': async ({ name }) => {
      find(store.users, name);
      await store.update((_, users) => users.delete(name));
      await vault.change((e) => e.delete(vaultNames.verifier(name)));
      await ctx.usersChanged([name]);
      return { deleted: name };
    },
  };
}
