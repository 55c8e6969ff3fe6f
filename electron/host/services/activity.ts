/** The send status: every message with what happened to it, recent refusals, and today's counts. */
import type { ApiImplementation } from '../../api/contract.js';
import type { Journal } from '../journal.js';

const DEFAULT_LIMIT = 100;

export function activityService(journal: Journal): Pick<ApiImplementation, 'activity.list'> {
  return {
    'activity.list': ({ limit, status, user }) => {
      const today = new Date().toISOString().slice(0, 10);
      const counts = { queued: 0, deferred: 0, deliveredToday: 0, bouncedToday: 0 };
      for (const m of journal.all()) {
        if (m.status === 'queued') counts.queued++;
        else if (m.status === 'deferred') counts.deferred++;
        else if (m.updatedAt.startsWith(today) && m.status === 'delivered') counts.deliveredToday++;
        else if (m.updatedAt.startsWith(today) && m.status === 'bounced') counts.bouncedToday++;
      }
      const filter: Parameters<Journal['list']>[0] = { limit: limit ?? DEFAULT_LIMIT };
      if (status !== undefined) filter.status = status;
      if (user !== undefined) filter.user = user;
      return Promise.resolve({ messages: journal.list(filter), refusals: journal.recentRefusals(limit ?? DEFAULT_LIMIT), counts });
    },
  };
}
