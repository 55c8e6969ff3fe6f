/**
 * Which users one page of the users table shows: filtered by list, status and
 * search text, sorted, then sliced, so the UI never has to load 10,000 users.
 */
import type { MethodInput } from '../../api/contract.js';
import type { StoredUser } from '../store/schema.js';

type Query = MethodInput<'users.list'>;
type SortField = NonNullable<Query['sort']>['field'];

// Numeric collation so s1_9 sorts before s1_10.
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

const compareBy: Record<SortField, (a: StoredUser, b: StoredUser) => number> = {
  name: (a, b) => collator.compare(a.name, b.name),
  note: (a, b) => collator.compare(a.note, b.note),
  list: (a, b) => collator.compare(a.list, b.list),
  active: (a, b) => Number(b.active) - Number(a.active),
  priority: (a, b) => a.priority - b.priority,
  updatedAt: (a, b) => a.updatedAt.localeCompare(b.updatedAt),
};

function matches(user: StoredUser, { list, active, search }: Query): boolean {
  if (list !== undefined && user.list !== list) return false;
  if (active !== undefined && user.active !== active) return false;
  const needle = search?.trim().toLowerCase() ?? '';
  return needle === '' || [user.name, user.note, user.list, ...user.domains, ...user.addresses].some((text) => text.toLowerCase().includes(needle));
}

/** The page asked for (creation order unless sorted) and how many users match in all. */
export function queryUsers(users: readonly StoredUser[], query: Query): { page: StoredUser[]; total: number } {
  const matching = users.filter((u) => matches(u, query));
  const { sort, offset = 0, limit } = query;
  if (sort) {
    const compare = compareBy[sort.field];
    const sign = sort.direction === 'desc' ? -1 : 1;
    // Ties keep creation order, whichever the direction.
    const order = new Map(matching.map((u, i) => [u, i]));
    matching.sort((a, b) => sign * compare(a, b) || (order.get(a) ?? 0) - (order.get(b) ?? 0));
  }
  return { page: matching.slice(offset, limit === undefined ? undefined : offset + limit), total: matching.length };
}
