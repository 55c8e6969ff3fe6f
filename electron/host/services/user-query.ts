/**
 * Which users one page of the users table shows: filtered by list, status and
 * search text, sorted, then sliced, so the UI never has to load 10,000 users.
 * Each sort order is computed once and kept until a user changes.
 */
import type { MethodInput } from '../../api/contract.js';
import type { StoredUser } from '../store/schema.js';

type Query = MethodInput<'users.list'>;
type Sort = NonNullable<Query['sort']>;

/** The store's users and the counter that moves whenever one of them changes. */
export interface UserSource {
  readonly users: ReadonlyMap<string, StoredUser>;
  readonly usersVersion: number;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Generated names are s<account>_<n>: compared by prefix, then by number, so s1_9 comes before s1_10. */
function nameKey(name: string): [string, number] {
  const match = /^(.*?)(\d+)$/.exec(name);
  return match ? [match[1] ?? '', Number(match[2])] : [name, -1];
}

function compareNames(a: [string, number], b: [string, number]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1];
}

/** Each field's order as a key per user (computed once per sort) and a comparison of keys. */
const orderBy: { [F in Sort['field']]: (users: StoredUser[]) => (a: number, b: number) => number } = {
  name: (users) => {
    const keys = users.map((u) => nameKey(u.name));
    return (a, b) => compareNames(keys[a] ?? ['', 0], keys[b] ?? ['', 0]);
  },
  note: (users) => (a, b) => collator.compare(users[a]?.note ?? '', users[b]?.note ?? ''),
  list: (users) => (a, b) => collator.compare(users[a]?.list ?? '', users[b]?.list ?? ''),
  active: (users) => (a, b) => Number(users[b]?.active) - Number(users[a]?.active),
  priority: (users) => (a, b) => (users[a]?.priority ?? 0) - (users[b]?.priority ?? 0),
  updatedAt: (users) => (a, b) => (users[a]?.updatedAt ?? '').localeCompare(users[b]?.updatedAt ?? ''),
};

const orders = new WeakMap<UserSource, { version: number; byKey: Map<string, StoredUser[]> }>();

/** All users in the order asked for (creation order without one); ties keep creation order in both directions. */
function ordered(source: UserSource, sort: Sort | undefined): StoredUser[] {
  const all = [...source.users.values()];
  if (!sort) return all;
  let cache = orders.get(source);
  if (cache?.version !== source.usersVersion) {
    cache = { version: source.usersVersion, byKey: new Map() };
    orders.set(source, cache);
  }
  const key = `${sort.field} ${sort.direction}`;
  const known = cache.byKey.get(key);
  if (known) return known;
  const compare = orderBy[sort.field](all);
  const sign = sort.direction === 'desc' ? -1 : 1;
  // Array sort is stable: equal users stay in creation order.
  const sorted = all.map((_, i) => i).sort((a, b) => sign * compare(a, b)).map((i) => all[i] as StoredUser);
  cache.byKey.set(key, sorted);
  return sorted;
}

function matches(user: StoredUser, { list, active, search }: Query): boolean {
  if (list !== undefined && user.list !== list) return false;
  if (active !== undefined && user.active !== active) return false;
  const needle = search?.trim().toLowerCase() ?? '';
  return needle === '' || [user.name, user.note, user.list, ...user.domains, ...user.addresses].some((text) => text.toLowerCase().includes(needle));
}

/** The page asked for and how many users match in all. */
export function queryUsers(source: UserSource, query: Query): { page: StoredUser[]; total: number } {
  const { list, active, search, sort, offset = 0, limit } = query;
  const users = ordered(source, sort);
  const matching = list === undefined && active === undefined && !search?.trim() ? users : users.filter((u) => matches(u, query));
  return { page: matching.slice(offset, limit === undefined ? undefined : offset + limit), total: matching.length };
}
