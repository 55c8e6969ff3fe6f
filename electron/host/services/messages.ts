/** The send status: messages, one message in full, refused attempts, the counters and the CSV export, from the message history. */
import type { ApiImplementation } from '../../api/contract.js';
import type { History } from '../history/history.js';

type MessagesMethods = 'messages.list' | 'messages.get' | 'messages.counters' | 'messages.refusals' | 'messages.exportCsv';

export function messagesService(history: History): Pick<ApiImplementation, MessagesMethods> {
  return {
    'messages.list': (input) => Promise.resolve(history.list(input)),
    'messages.get': ({ id }) => Promise.resolve(history.get(id)),
    'messages.counters': () => Promise.resolve(history.countersView()),
    'messages.refusals': (input) => Promise.resolve(history.refusals(input)),
    'messages.exportCsv': ({ filter, cursor }) => Promise.resolve(history.exportCsv(filter, cursor)),
  };
}
