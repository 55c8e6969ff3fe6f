/**
 * The counts behind stats.get, from the two sources a period is split into
 * (./period-split.ts): rollup rows summed per group, and messages grouped
 * directly, added up per group key. A mode like "subject" can have a group
 * per message, so only the largest groups are read from the rollup (those
 * that can still make the list shown), their number counted apart; a group
 * the direct part has is looked up in the rollup by its key.
 */
import type { Database } from 'better-sqlite3';
import type { Aggregation, GroupBy } from '../../api/schemas/stats.js';
import { groupKeySql, periodOfDaySql } from './group-key.js';
import { listKeySql } from './list-names.js';
import { localDay } from './local-day.js';
import type { Span } from './period-split.js';
import { rollupKind, type GroupCounts } from './rollup.js';
import { firstSeqAt } from './sequence.js';


const SUMS = `sum(accepted) AS accepted, sum(recipients) AS recipients, sum(delivered) AS delivered, sum(deferred) AS deferred,
  sum(bounced) AS bounced, min(first) AS first, max(last) AS last`;
const COUNTS = `count(*) AS accepted, sum(m.recipients) AS recipients,
  sum(m.status IN ('delivered', 'partly-delivered')) AS delivered, sum(m.status = 'deferred') AS deferred,
  sum(m.status = 'bounced') AS bounced, min(m.seq) AS first, max(m.seq) AS last`;

function add(into: Map<string, GroupCounts>, row: GroupCounts): void {
  const had = into.get(row.key);
  if (!had) {
    into.set(row.key, { ...row });
    return;
  }
  had.accepted += row.accepted;
  had.recipients += row.recipients;
  had.delivered += row.delivered;
  had.deferred += row.deferred;
  had.bounced += row.bounced;
  had.first = Math.min(had.first, row.first);
  had.last = Math.max(had.last, row.last);
}

/** The list's rollup rows over the span's whole slots: the condition on `stats_slots` and its parameters. */
function inSlots(keys: readonly string[], slots: { from: number; until: number }): { sql: string; params: (string | number)[] } {
  const list = listKeySql('list', keys);
  return { sql: `${list.sql} AND slot >= ? AND slot < ?`, params: [...list.params, slots.from, slots.until] };
}

/** The messages of the time ranges, grouped by `keySql` (over `messages m`). */
function direct(db: Database, keySql: string, keys: readonly string[], ranges: Span['direct']): GroupCounts[] {
  const list = listKeySql('m.list', keys);
  const statement = db.prepare<unknown[], GroupCounts>(`SELECT ${keySql} AS key, ${COUNTS} FROM messages m WHERE ${list.sql} AND m.seq >= ? AND m.seq < ? GROUP BY 1`);
  return ranges.flatMap(([from, until]) => statement.all(...list.params, firstSeqAt(from), firstSeqAt(until)));
}

/**
 * The groups that can make the first `limit` (campaigns first, then the
 * largest, as ./statistics.ts orders them; every period in time mode), and
 * how many groups there are in all.
 */
export function countedGroups(db: Database, by: GroupBy, keys: readonly string[], span: Span, limit: number): { groups: GroupCounts[]; total: number } {
  const kind = rollupKind(by);
  const groups = new Map<string, GroupCounts>();
  const directRows = direct(db, groupKeySql(by), keys, span.direct);
  if (span.slots === null) {
    for (const row of directRows) add(groups, row);
    return { groups: [...groups.values()], total: groups.size };
  }
  const { sql: listSlots, params: slots } = inSlots(keys, span.slots);
  const campaigns = db.prepare<unknown[], GroupCounts>(`SELECT 'c:' || key AS key, ${SUMS} FROM stats_slots WHERE kind = 'campaign' AND ${listSlots} GROUP BY stats_slots.key`).all(...slots);
  for (const row of campaigns) add(groups, row);
  if (kind === 'time') {
    const periods = db
      .prepare<unknown[], GroupCounts>(`SELECT 'g:' || ${periodOfDaySql(by as Aggregation['unit'], 'day')} AS key, ${SUMS} FROM stats_slots WHERE kind = 'time' AND key = '' AND ${listSlots} GROUP BY 1`)
      .all(...slots);
    for (const row of [...periods, ...directRows]) add(groups, row);
    return { groups: [...groups.values()], total: groups.size };
  }
  const inMode = `kind = '${kind}' AND ${listSlots}`;
  const largest = largestKeys(db, inMode, slots, limit);
  const modeGroups =
    largest.length < limit ? largest.length : (db.prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM (SELECT 1 FROM stats_slots WHERE ${inMode} GROUP BY key)`).get(...slots)?.n ?? 0);
  let total = campaigns.length + modeGroups;
  const wanted = new Set(largest);
  for (const row of directRows) if (row.key.startsWith('g:')) wanted.add(row.key.slice(2));
  if (wanted.size > 0) {
    const ofKeys = db.prepare<unknown[], GroupCounts>(
      `SELECT 'g:' || key AS key, ${SUMS} FROM stats_slots WHERE key IN (SELECT value FROM json_each(?)) AND ${inMode} GROUP BY stats_slots.key`,
    );
    for (const row of ofKeys.all(JSON.stringify([...wanted]), ...slots)) add(groups, row);
  }
  const inRollup = new Set(groups.keys());
  // A direct group the rollup has not is one more group.
  for (const row of directRows) {
    if (!inRollup.has(row.key)) total++;
    add(groups, row);
  }
  return { groups: [...groups.values()], total };
}

/**
 * The keys of the `limit` largest groups (by messages, then key) among the
 * rollup rows `inMode`. A mode like "subject" has a group per message, and
 * sorting 100,000 groups costs more than grouping them: the groups of more
 * than one message are ranked, and the single-message groups that fill up
 * the list come in key order, as the group-by walks them, and stop there.
 */
function largestKeys(db: Database, inMode: string, slots: (string | number)[], limit: number): string[] {
  const ranked = db
    .prepare<unknown[], string>(`SELECT key FROM stats_slots WHERE ${inMode} GROUP BY key HAVING sum(accepted) > 1 ORDER BY sum(accepted) DESC, key LIMIT ?`)
    .pluck()
    .all(...slots, limit);
  if (ranked.length === limit) return ranked;
  const singles = db
    .prepare<unknown[], string>(`SELECT key FROM stats_slots WHERE ${inMode} GROUP BY key HAVING sum(accepted) <= 1 ORDER BY key LIMIT ?`)
    .pluck()
    .all(...slots, limit - ranked.length);
  return [...ranked, ...singles];
}

/** The list's messages per local day over the span, campaigns included, oldest first. */
export function countedSeries(db: Database, keys: readonly string[], span: Span): GroupCounts[] {
  const days = new Map<string, GroupCounts>();
  if (span.slots !== null) {
    const { sql, params } = inSlots(keys, span.slots);
    const rows = db.prepare<unknown[], GroupCounts>(`SELECT day AS key, ${SUMS} FROM stats_slots WHERE kind IN ('time', 'campaign') AND ${sql} GROUP BY day`).all(...params);
    for (const row of rows) add(days, row);
  }
  for (const range of span.direct) {
    // A range within one local day (the part of a day the period cuts) is that day's: no day to look up per message.
    const day = localDay(range[0]);
    const oneDay = range[1] <= day.end;
    for (const row of direct(db, oneDay ? `'${day.day}'` : 'local_day(m.seq / 1024)', keys, [range])) add(days, row);
  }
  return [...days.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
