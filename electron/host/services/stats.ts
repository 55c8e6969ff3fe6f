/** Statistics: a list's messages grouped the way the admin chose for that list, and that choice. */
import { ApiError, type ApiImplementation } from '../../api/contract.js';
import type { HostContext } from '../context.js';
import type { History } from '../history/history.js';
import { findList, mustFindList } from './lists.js';

export function statsService(ctx: HostContext, history: History): Pick<ApiImplementation, 'stats.get' | 'lists.setAggregation'> {
  const { store } = ctx;
  const listNamed = (name: string) => mustFindList(store.data.lists, name, 'list');
  return {
    'stats.get': ({ list: name, by, since, until }) => {
      const list = listNamed(name);
      const users: string[] = [];
      for (const user of store.users.values()) if (user.list === list.name) users.push(user.name);
      const to = until === undefined ? Date.now() : Date.parse(until);
      const from = Date.parse(since);
      if (from >= to) throw new ApiError('invalid_input', 'since: the period must start before it ends.', 'since');
      return Promise.resolve(history.stats({ list: list.name, aggregation: by ?? list.aggregation, since: from, until: to, users }));
    },
    'lists.setAggregation': async ({ name, aggregation }) => {
      const list = listNamed(name);
      await store.update((draft) => {
        const stored = findList(draft.lists, list.name);
        if (stored) stored.aggregation = aggregation;
      });
      return { name: list.name, aggregation };
    },
  };
}
