/**
 * stats.get: a list's messages in a period, grouped the way the list
 * aggregates them (./group-key.ts), with a per-day series for the chart.
 * Counts are of messages: delivered (to every recipient or to some),
 * deferred (waiting for a next attempt), bounced (for every recipient);
 * refused attempts have no message, so they are counted by the list's users
 * and only where a group can be told: per period in time mode, per user in
 * user mode.
 */
import type { Database } from 'better-sqlite3';
import type { MethodOutput } from '../../api/contract.js';
import { MAX_STATS_GROUPS, type Aggregation, type StatsGroup } from '../../api/schemas/stats.js';
import { groupByOf, type GroupBy } from '../../api/schemas/stats.js';
import { groupKeySql, groupLabel, periodSql, ACCEPTED_MS } from './group-key.js';
import { iso } from './rows.js';
import { firstSeqAt, timeOfSeq } from './sequence.js';

export interface StatsQuery {
  list: string;
  aggregation: Aggregation;
  /** Epoch ms: accepted at or after, and before. */
  since: number;
  until: number;
  /** The list's users now, whose refused attempts count for it. */
  users: readonly string[];
}

interface CountsRow {
  key: string;
  accepted: number;
  recipients: number;
  delivered: number;
  deferred: number;
  bounced: number;
  first: number;
  last: number;
}

const COUNTS = `count(*) AS accepted, sum(m.recipients) AS recipients,
  sum(m.status IN ('delivered', 'partly-delivered')) AS delivered, sum(m.status = 'deferred') AS deferred,
  sum(m.status = 'bounced') AS bounced, min(m.seq) AS first, max(m.seq) AS last`;
const IN_LIST = 'm.list = ? COLLATE NOCASE AND m.seq >= ? AND m.seq < ?';

export function statistics(db: Database, query: StatsQuery): MethodOutput<'stats.get'> {
  const by = groupByOf(query.aggregation);
  const range = [query.list, firstSeqAt(query.since), firstSeqAt(query.until)];
  const rows = db.prepare<unknown[], CountsRow>(`SELECT ${groupKeySql(by)} AS key, ${COUNTS} FROM messages m WHERE ${IN_LIST} GROUP BY key`).all(...range);
  const refused = refusedBy(db, by, query);
  const groups = rows.map((row): StatsGroup => {
    const { first, last, ...counts } = row;
    return {
      ...counts,
      refused: refused.get(row.key) ?? 0,
      label: groupLabel(by, row.key),
      campaign: row.key.startsWith('c:'),
      firstAt: iso(timeOfSeq(first)),
      lastAt: iso(timeOfSeq(last)),
    };
  });
  groups.sort(order(by));
  const series = db
    .prepare<unknown[], Omit<CountsRow, 'first' | 'last'>>(
      `SELECT ${periodSql('day', ACCEPTED_MS)} AS key, ${COUNTS} FROM messages m WHERE ${IN_LIST} GROUP BY key ORDER BY key`,
    )
    .all(...range);
  const refusedPerDay = refusedBy(db, 'day', query);
  return {
    aggregation: query.aggregation,
    groups: groups.slice(0, MAX_STATS_GROUPS),
    more: Math.max(0, groups.length - MAX_STATS_GROUPS),
    series: series.map(({ key, accepted, recipients, delivered, deferred, bounced }) => ({
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
      `SELECT 'g:' || ${key} AS key, count(*) AS n FROM refusals WHERE at >= ? AND at < ? AND user IN (SELECT value FROM json_each(?)) GROUP BY key`,
    )
    .all(query.since, query.until, JSON.stringify(query.users));
  return new Map(rows.map((r) => [r.key, r.n]));
}

/** Campaigns first; then periods in time order, other groups largest first. */
function order(by: GroupBy): (a: StatsGroup, b: StatsGroup) => number {
  const time = by === 'day' || by === 'week' || by === 'month' || by === 'year';
  return (a, b) => {
    if (a.campaign !== b.campaign) return a.campaign ? -1 : 1;
    if (time && !a.campaign) return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
    return b.accepted - a.accepted || (a.key < b.key ? -1 : 1);
  };
}
