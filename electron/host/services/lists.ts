/**
 * The lists SMTP users belong to (MailUp recommends one for SMTP+). A list's
 * name is compared ignoring case: "smtp+" is the list "SMTP+", spelled as it
 * was made. A list is renamed together with its users and its message
 * history; it is deleted only once no user is in it, and the last list
 * stays, so new users have one. A deleted list's history stays under its
 * name until retention prunes it (a list given that name later shows it).
 */
import { ApiError, type ApiImplementation } from '../../api/contract.js';
import type { ListView } from '../../api/schemas/users.js';
import type { HostContext } from '../context.js';
import type { History } from '../history/history.js';
import { DEFAULT_AGGREGATION, hasWrittenProperties, type StoreData, type StoredUser } from '../store/schema.js';

type ListsApi = Pick<ApiImplementation, 'lists.list' | 'lists.create' | 'lists.rename' | 'lists.delete'>;
type StoredList = StoreData['lists'][number];

/** A fresh install's list, and where new users go when there is no list at all. */
export const DEFAULT_LIST = 'SMTP+';

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The list spelled exactly so, else one spelled so ignoring case (lists made before names were compared so may differ only in case). */
export function findList(lists: readonly StoredList[], name: string): StoredList | undefined {
  return lists.find((l) => l.name === name) ?? lists.find((l) => sameName(l.name, name));
}

/**
 * The list a user is put in: the existing list `name` stands for, or a new
 * one made with it; without a name, the first list (a fresh install's
 * "SMTP+", or whatever the admin renamed it to).
 */
export function listFor(draft: StoreData, name: string | undefined, now: string): string {
  const wanted = name ?? draft.lists[0]?.name ?? DEFAULT_LIST;
  const existing = findList(draft.lists, wanted);
  if (existing) return existing.name;
  draft.lists.push(newList(draft, wanted, now));
  return wanted;
}

/** A new list: statistics by day, and the message properties new lists start with. */
function newList(draft: StoreData, name: string, createdAt: string): StoredList {
  return { name, createdAt, aggregation: DEFAULT_AGGREGATION, messageProperties: structuredClone(draft.messagePropertiesDefault) };
}

function usersIn(users: Iterable<StoredUser>, list: string): StoredUser[] {
  const found: StoredUser[] = [];
  for (const user of users) if (user.list === list) found.push(user);
  return found;
}

/** The list named so (as findList finds it), or a not_found error on the API field that named it. */
export function mustFindList(lists: readonly StoredList[], name: string, field = 'name'): StoredList {
  const list = findList(lists, name);
  if (!list) throw new ApiError('not_found', `There is no list named "${name}".`, field);
  return list;
}

function refuseTaken(lists: readonly StoredList[], name: string, field: string, except?: StoredList): void {
  const taken = lists.find((l) => l !== except && sameName(l.name, name));
  if (taken) throw new ApiError('already_exists', `A list named "${taken.name}" exists already: choose it, or pick another name.`, field);
}

function users(n: number): string {
  return `${n} user${n === 1 ? '' : 's'}`;
}

export function listsService(ctx: HostContext, history: Pick<History, 'intendListRename' | 'forgetListRename' | 'renameList'>): ListsApi {
  const { store } = ctx;
  const view = (list: StoredList): ListView => ({ ...list, users: usersIn(store.users.values(), list.name).length });

  return {
    'lists.list': () => {
      const counts = new Map<string, number>();
      for (const user of store.users.values()) counts.set(user.list, (counts.get(user.list) ?? 0) + 1);
      return Promise.resolve({ lists: store.data.lists.map((l) => ({ ...l, users: counts.get(l.name) ?? 0 })) });
    },

    'lists.create': async ({ name }) => {
      const createdAt = new Date().toISOString();
      await store.update((draft) => {
        refuseTaken(draft.lists, name, 'name');
        draft.lists.push(newList(draft, name, createdAt));
      });
      // A list that starts with a header or footer written is one the relay must know of.
      if (hasWrittenProperties(store.data.messagePropertiesDefault)) await ctx.relayChanged();
      return { name, createdAt, users: 0 };
    },

    'lists.rename': async ({ name, newName }) => {
      const now = new Date().toISOString();
      // Noted in the history before the settings are saved, so a stop between the two cannot leave the history under the old name.
      history.intendListRename(name, newName);
      const { from, renamed, moved } = await store.update((draft, drafts) => {
        const list = mustFindList(draft.lists, name);
        refuseTaken(draft.lists, newName, 'newName', list);
        const from = list.name;
        const moved = usersIn(drafts.values(), from);
        for (const user of moved) drafts.put({ ...user, list: newName, updatedAt: now });
        list.name = newName;
        return { from, renamed: { ...list }, moved: moved.map((u) => u.name) };
      }).catch((err: unknown) => {
        history.forgetListRename(newName);
        throw err;
      });
      // One row of the history changes, however many messages the list has; mail the relay accepts
      // under the old name until it hears of the rename follows the list there too.
      history.renameList(from, newName);
      // The relay's copy of each user names its list, and so do the message properties it holds: keep them true.
      if (hasWrittenProperties(renamed.messageProperties)) await ctx.relayChanged();
      else if (moved.length > 0) await ctx.usersChanged(moved);
      return view(renamed);
    },

    'lists.delete': async ({ name }) => {
      const deleted = await store.update((draft, drafts) => {
        const list = mustFindList(draft.lists, name);
        const members = usersIn(drafts.values(), list.name).length;
        if (members > 0) {
          throw new ApiError(
            'list_not_empty',
            `The list "${list.name}" cannot be deleted while users are in it: move or delete its ${users(members)} first (a user's list is in its settings).`,
            'name',
          );
        }
        if (draft.lists.length === 1) {
          throw new ApiError('last_list', `"${list.name}" is the only list, and new users need one: rename it instead, or make another list first.`, 'name');
        }
        draft.lists = draft.lists.filter((l) => l !== list);
        return { name: list.name, hadProperties: hasWrittenProperties(list.messageProperties) };
      });
      if (deleted.hadProperties) await ctx.relayChanged();
      return { deleted: deleted.name };
    },
  };
}
