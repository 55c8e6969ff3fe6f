/**
 * stats.get: a list's messages in a period, grouped the way the list
 * aggregates them (./group-key.ts), with a per-day series for the chart.
 * Counts are of messages: delivered (to every recipient or to some),
 * deferred (waiting for a next attempt), bounced (for every recipient);
 * refused attempts have no message, so they are counted by the list's users
 * and only where a group can be told: per period in time mode, per user in
 * user mode.
 *
 * Whole six-hour slots come from the rollup (./rollup.ts); the part of a slot the
 * period cuts, and slots retention has reached, are counted from the
 * messages themselves (./period-split.ts), and the two are added up.
 */
import type { Database } from 'better-sqlite3';
import type { MethodOutput } from '../../api/contract.js';
import { MAX_STATS_GROUPS, type Aggregation, type StatsGroup } from '../../api/schemas/stats.js';
import { groupByOf, type GroupBy } from '../../api/schemas/stats.js';
import { groupLabel, periodSql } from './group-key.js';
import { splitPeriod, type Span } from './period-split.js';
import type { GroupCounts } from './rollup.js';
import { countedGroups, countedSeries } from './stats-sources.js';
import { iso } from './rows.js';
import { timeOfSeq } from './sequence.js';

export interface StatsQuery {
  list: string;
  aggregation: Aggregation;
  /** Epoch ms: accepted at or after, and before. */
  since: number;
  until: number;
  /** The list's users now, whose refused attempts count for it. */
  users: readonly string[];
}

/** `keys`: the keys the list's messages are stored under (./list-names.ts). */
export function statistics(db: Database, query: StatsQuery, keys: readonly string[]): MethodOutput<'stats.get'> {
  const by = groupByOf(query.aggregation);
  const span: Span = splitPeriod(db, keys, query.since, query.until);
  const { groups: counted, total } = countedGroups(db, by, keys, span, MAX_STATS_GROUPS);
  const refused = refusedBy(db, by, query);
  const groups = counted.map(
    (row): StatsGroup => ({
      key: row.key,
      accepted: row.accepted,
      recipients: row.recipients,
      delivered: row.delivered,
      deferred: row.deferred,
      bounced: row.bounced,
      refused: refused.get(row.key) ?? 0,
      label: groupLabel(by, row.key),
      campaign: row.key.startsWith('c:'),
      firstAt: iso(timeOfSeq(row.first)),
      lastAt: iso(timeOfSeq(row.last)),
    }),
  );
  groups.sort(order(by));
  const refusedPerDay = refusedBy(db, 'day', query);
  return {
    aggregation: query.aggregation,
    groups: groups.slice(0, MAX_STATS_GROUPS),
    more: Math.max(0, total - MAX_STATS_GROUPS),
    series: countedSeries(db, keys, span).map(({ key, accepted, recipients, delivered, deferred, bounced }: GroupCounts) => ({
      day: key,
      accepted,
      recipients,
      delivered,
      deferred,
      bounced,
      refused: refusedPerDay.get(`g:${key}`) ?? 0,
    })),
  };
}

/** Refused attempts by the list's users per group key, where the mode can tell their group. */
function refusedBy(db: Database, by: GroupBy, query: StatsQuery): Map<string, number> {
  const time = by === 'day' || by === 'week' || by === 'month' || by === 'year';
  if ((!time && by !== 'user') || query.users.length === 0) return new Map();
  const key = time ? periodSql(by, 'at') : 'user';
  const rows = db
    .prepare<unknown[], { key: string; n: number }>(
      `SELECT 'g:' || ${key} AS key, count(*) AS n FROM refusals WHERE user IN (SELECT value FROM json_each(?)) AND at >= ? AND at < ? GROUP BY key`,
    )
    .all(JSON.stringify(query.users), query.since, query.until);
  return new Map(rows.map((r) => [r.key, r.n]));
}

/** Campaigns first; then periods in time order, other groups largest first. */
export function order(by: GroupBy): (a: { key: string; accepted: number }, b: { key: string; accepted: number }) => number {
  const time = by === 'day' || by === 'week' || by === 'month' || by === 'year';
  return (a, b) => {
    const campaignA = a.key.startsWith('c:');
    const campaignB = b.key.startsWith('c:');
    if (campaignA !== campaignB) return campaignA ? -1 : 1;
    if (time && !campaignA) return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
    return b.accepted - a.accepted || (a.key < b.key ? -1 : 1);
  };
}
