/**
 * Message properties per list (../../api/schemas/message-properties.ts):
 * a list's header and footer, and those a new list starts with. A change to
 * a list reaches the relay before the answer; the relay is sent only lists
 * with something written (../relay-config.ts).
 */
import { ApiError, type ApiImplementation } from '../../api/contract.js';
import type { MessageProperties, MessagePropertiesView } from '../../api/schemas/message-properties.js';
import type { HostContext } from '../context.js';
import { findList, mustFindList } from './lists.js';

type PropertiesApi = Pick<ApiImplementation, 'messageProperties.get' | 'messageProperties.set'>;

function view(list: string | null, properties: MessageProperties): MessagePropertiesView {
  return { list, header: { ...properties.header }, footer: { ...properties.footer } };
}

export function messagePropertiesService(ctx: HostContext): PropertiesApi {
  const { store } = ctx;
  const listNamed = (name: string) => mustFindList(store.data.lists, name, 'list');
  return {
    'messageProperties.get': ({ list: name }) => {
      if (name === undefined) return Promise.resolve(view(null, store.data.messagePropertiesDefault));
      const list = listNamed(name);
      return Promise.resolve(view(list.name, list.messageProperties));
    },

    'messageProperties.set': async ({ list: name, header, footer }) => {
      const target = name === undefined ? null : listNamed(name).name;
      const changed = await store.update((draft) => {
        const properties = target === null ? draft.messagePropertiesDefault : findList(draft.lists, target)?.messageProperties;
        if (!properties) throw new ApiError('not_found', `There is no list named "${target ?? ''}".`, 'list');
        Object.assign(properties.header, header);
        Object.assign(properties.footer, footer);
        return view(target, properties);
      });
      // The defaults touch no list the relay knows until one is made with them.
      if (target !== null) await ctx.relayChanged();
      return changed;
    },
  };
}
