/**
 * The statistics rollup against the question it replaces: a seeded random
 * history (lists differing only in case, campaigns, a subject per message
 * and shared ones, every outcome, late deliveries of deferred mail,
 * refusals) asked for stats.get in every mode over periods that cut days,
 * hold whole days and reach past retention, each answer compared with one
 * GROUP BY over the messages as statistics were counted before the rollup,
 * with SQLite's own local time. Again after retention pruned the oldest
 * days, after a list was renamed (asked by its new name), after the history
 * is opened in another time zone (the rollup is counted again), and for a
 * database of the version before the rollup (migrated: the rollup is built,
 * the senders index and the list names filled).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import type { RelayEvent } from '../../relay/events.js';
import { MAX_STATS_GROUPS, type Aggregation, type GroupBy } from '../api/schemas/stats.js';
import { HISTORY_FILE } from '../host/history/database.js';
import type { History } from '../host/history/history.js';
import { groupLabel } from '../host/history/group-key.js';
import { DAY_MS } from '../host/history/retention.js';
import { iso } from '../host/history/rows.js';
import { order, type StatsQuery } from '../host/history/statistics.js';
import { timeOfSeq } from '../host/history/sequence.js';
import { accepted, openHistory, tempDir } from './history-fixture.js';
import { seededRandom } from './seeded-random.js';

// A zone with summer time, so local days are not UTC days and some are 23 or 25 hours long.
process.env.TZ = 'Europe/Rome';

const HOUR = 3_600_000;
const NOW = Date.now();
const USERS = ['u0', 'u1', 'u2', 'u3'];

type Timed = [RelayEvent, number];

/** 8,000 messages over the last 20 days in random order, their outcomes, and refusals; and the late outcomes of some deferred ones. */
function generate(seed: number): { now: Timed[]; later: Timed[] } {
  const r = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;
  const now: Timed[] = [];
  const later: Timed[] = [];
  for (let i = 0; i < 8_000; i++) {
    const at = NOW - Math.floor(r() * 20 * DAY_MS);
    const id = `R${i}`;
    const to = Array.from({ length: 1 + Math.floor(r() * 3) }, (_, k) => `rcpt${k}-${Math.floor(r() * 50)}@dest.example`);
    const from = pick(['Alice@A.example', 'alice@a.example', 'bob@b.example', 'carol@c.example']);
    const subject = r() < 0.6 ? `Invoice ${i % 1_400}` : pick(['Weekly report', 'Ticket 12 solved', 'Ticket 99 solved', '']);
    const campaign = r() < 0.15 ? { code: pick(['C0', 'C1', 'C2', 'C3']) } : null;
    const list = pick(['Sales', 'sales', 'Ops']);
    now.push([accepted(id, { to, from, fromName: pick(['Alice', 'Bob', '']), subject, user: pick(USERS), list, campaign }), at]);
    const outcome = r();
    const done = at + 1_000;
    if (outcome < 0.55) now.push([{ type: 'delivered', id, recipients: to, response: '250 Ok' }, done]);
    else if (outcome < 0.65) now.push([{ type: 'bounced', id, recipients: to, reason: '550 no', bounceId: null }, done]);
    else if (outcome < 0.72 && to.length > 1) {
      now.push([{ type: 'delivered', id, recipients: to.slice(1), response: '250 Ok' }, done]);
      now.push([{ type: 'bounced', id, recipients: to.slice(0, 1), reason: '550 no', bounceId: null }, done]);
    } else if (outcome < 0.85) {
      now.push([{ type: 'deferred', id, recipients: to, error: '451 busy', attempts: 1, nextAttemptAt: new Date(at + HOUR).toISOString() }, done]);
      if (r() < 0.5) later.push([{ type: 'delivered', id, recipients: to, response: '250 Ok' }, at + HOUR]);
    } else if (outcome < 0.9) now.push([{ type: 'deleted', id, recipients: to }, done]);
    if (r() < 0.1) now.push([{ type: 'rejected', session: 'S', remoteAddress: '192.0.2.1', user: pick(USERS), stage: 'auth', code: 535, reply: '535 no', envelope: null }, at]);
  }
  return { now, later };
}

/** Statistics as they were counted before the rollup: one GROUP BY over the list's messages, local time from SQLite. */
function reference(path: string, query: StatsQuery) {
  const db = new Database(path, { readonly: true });
  try {
    const by: GroupBy = query.aggregation.mode === 'time' ? query.aggregation.unit : query.aggregation.mode;
    const local = (ms: string) => `${ms} / 1000, 'unixepoch', 'localtime'`;
    const period = (unit: string, ms: string) =>
      unit === 'day'
        ? `strftime('%Y-%m-%d', ${local(ms)})`
        : unit === 'week'
          ? `date(${local(ms)}, '-6 days', 'weekday 1')`
          : unit === 'month'
            ? `strftime('%Y-%m', ${local(ms)})`
            : `strftime('%Y', ${local(ms)})`;
    const values: Record<string, string> = {
      subject: 'm.subject',
      'dynamic-subject': 'm.dynamic_subject',
      sender: 'lower(m.from_addr)',
      'sender-name': 'm.from_name',
      'sender-subject': 'lower(m.from_addr) || char(10) || m.subject',
      user: 'm.user',
    };
    const time = query.aggregation.mode === 'time';
    const value = time ? period(by, 'm.seq / 1024') : (values[by] ?? '');
    const key = `CASE WHEN m.campaign_code IS NOT NULL THEN 'c:' || m.campaign_code ELSE 'g:' || ${value} END`;
    const counts = `count(*) AS accepted, sum(m.recipients) AS recipients, sum(m.status IN ('delivered', 'partly-delivered')) AS delivered,
      sum(m.status = 'deferred') AS deferred, sum(m.status = 'bounced') AS bounced, min(m.seq) AS first, max(m.seq) AS last`;
    const range = [query.list, query.since * 1024, query.until * 1024];
    type Row = { key: string; accepted: number; recipients: number; delivered: number; deferred: number; bounced: number; first: number; last: number };
    const rows = db.prepare<unknown[], Row>(`SELECT ${key} AS key, ${counts} FROM messages m WHERE m.list = ? COLLATE NOCASE AND m.seq >= ? AND m.seq < ? GROUP BY key`).all(...range);
    const refused = (unit: string) => {
      const k = unit === 'user' ? 'user' : period(unit, 'at');
      const counted = db
        .prepare<unknown[], { key: string; n: number }>(`SELECT 'g:' || ${k} AS key, count(*) AS n FROM refusals WHERE at >= ? AND at < ? AND user IN (SELECT value FROM json_each(?)) GROUP BY key`)
        .all(query.since, query.until, JSON.stringify(query.users));
      return new Map(counted.map((c) => [c.key, c.n]));
    };
    const refusedInGroups = time || by === 'user' ? refused(by) : new Map<string, number>();
    const groups = rows
      .map(({ first, last, ...counts }) => ({
        ...counts,
        refused: refusedInGroups.get(counts.key) ?? 0,
        label: groupLabel(by, counts.key),
        campaign: counts.key.startsWith('c:'),
        firstAt: iso(timeOfSeq(first)),
        lastAt: iso(timeOfSeq(last)),
      }))
      .sort(order(by));
    const perDay = refused('day');
    const series = db
      .prepare<unknown[], Row>(`SELECT ${period('day', 'm.seq / 1024')} AS key, ${counts} FROM messages m WHERE m.list = ? COLLATE NOCASE AND m.seq >= ? AND m.seq < ? GROUP BY key ORDER BY key`)
      .all(...range)
      .map(({ key: day, accepted: a, recipients, delivered, deferred, bounced }) => ({ day, accepted: a, recipients, delivered, deferred, bounced, refused: perDay.get(`g:${day}`) ?? 0 }));
    return { aggregation: query.aggregation, groups: groups.slice(0, MAX_STATS_GROUPS), more: Math.max(0, groups.length - MAX_STATS_GROUPS), series };
  } finally {
    db.close();
  }
}

const AGGREGATIONS: Aggregation[] = [
  ...(['day', 'week', 'month', 'year'] as const).map((unit): Aggregation => ({ mode: 'time', unit })),
  ...(['subject', 'dynamic-subject', 'sender', 'sender-name', 'sender-subject', 'user'] as const).map((mode): Aggregation => ({ mode, unit: 'day' })),
];

function midnight(ms: number): number {
  const day = new Date(ms);
  day.setHours(0, 0, 0, 0);
  return day.getTime();
}

/** The start of the rollup's six-hour slot (of UTC) that holds `ms`. */
const slotStart = (ms: number) => Math.floor(ms / (6 * HOUR)) * 6 * HOUR;

/** Periods that cut days at both ends, hold only whole days or whole slots, end now, and reach before the oldest message. */
const PERIODS: [number, number][] = [
  [NOW - 25 * DAY_MS, NOW],
  [slotStart(NOW - 4 * DAY_MS), slotStart(NOW - DAY_MS)],
  [NOW - 2 * DAY_MS - 17 * 60_000, NOW - DAY_MS + 41 * 60_000],
  [NOW - 7 * DAY_MS - 3 * HOUR, NOW - 2 * DAY_MS + 5 * HOUR],
  [midnight(NOW - 5 * DAY_MS), midnight(NOW - DAY_MS)],
  [midnight(NOW - 12 * DAY_MS) + 1, NOW + DAY_MS],
  [NOW - 3 * HOUR, NOW - HOUR],
];

/** `names`: what the history calls the lists the messages were stored under ('SALES', 'ops'), if they were renamed. */
function compareAll(history: History, path: string, when: string, names: Record<string, string> = {}): void {
  for (const list of ['SALES', 'ops']) {
    for (const [since, until] of PERIODS) {
      for (const aggregation of AGGREGATIONS) {
        const query: StatsQuery = { list, aggregation, since, until, users: ['u0', 'u2'] };
        const asked = { ...query, list: names[list] ?? list };
        assert.deepEqual(history.stats(asked), reference(path, query), `${when}: ${list} ${JSON.stringify(aggregation)} ${iso(since)}..${iso(until)}`);
      }
    }
  }
}

async function record(history: History, events: Timed[]): Promise<void> {
  for (const [event, at] of events) history.record(event, at);
  await history.flushed();
}

test('the rollup answers exactly as a GROUP BY over the messages, in every mode and period, as outcomes arrive, after retention and a rename', async (t) => {
  let retentionDays = 30;
  const { history, dataDir } = await openHistory(t, undefined, { retentionDays: () => retentionDays });
  const path = join(dataDir, HISTORY_FILE);
  const { now, later } = generate(15);
  await record(history, now);
  const groups = history.stats({ list: 'sales', aggregation: { mode: 'subject', unit: 'day' }, since: NOW - 25 * DAY_MS, until: NOW, users: [] });
  assert.ok(groups.more > 0, 'more subjects than one answer shows, so the largest are chosen from the rollup');
  compareAll(history, path, 'recorded');
  await record(history, later);
  compareAll(history, path, 'deferred mail delivered later');
  retentionDays = 9;
  assert.ok((await history.retention.prune(NOW)) > 0);
  compareAll(history, path, 'after retention');
  history.renameList('Sales', 'Revenue');
  compareAll(history, path, 'after a rename', { SALES: 'Revenue' });
});

test('a history opened in another time zone counts its rollup again in that zone', async (t) => {
  const dataDir = await tempDir(t);
  const path = join(dataDir, HISTORY_FILE);
  const first = await openHistory(t, dataDir);
  await record(first.history, generate(16).now);
  first.history.close();
  process.env.TZ = 'America/New_York';
  t.after(() => (process.env.TZ = 'Europe/Rome'));
  const { history } = await openHistory(t, dataDir);
  compareAll(history, path, 'in New York');
});

test('in a zone half an hour off UTC, where local days start within a slot, the rollup still answers exactly', async (t) => {
  process.env.TZ = 'Asia/Kolkata';
  t.after(() => (process.env.TZ = 'Europe/Rome'));
  const { history, dataDir } = await openHistory(t);
  await record(history, generate(18).now);
  compareAll(history, join(dataDir, HISTORY_FILE), 'in Kolkata');
});

test('a database of the version before the rollup is migrated: rollup built, senders findable', async (t) => {
  const dataDir = await tempDir(t);
  const path = join(dataDir, HISTORY_FILE);
  const first = await openHistory(t, dataDir);
  await record(first.history, generate(17).now);
  first.history.close();
  // Back to version 1's shape: no rollup, no senders table, its own indexes.
  const db = new Database(path);
  db.exec(`
    DROP TABLE list_names; DROP TABLE stats_slots; DROP TABLE senders; DROP TABLE history_meta; DROP INDEX recipients_address;
    DROP INDEX messages_finished; CREATE INDEX messages_finished ON messages(finished_at) WHERE finished_at IS NOT NULL;
    DROP INDEX refusals_user; CREATE INDEX refusals_user ON refusals(user);
    CREATE INDEX messages_envelope_from ON messages(envelope_from COLLATE NOCASE);
    CREATE INDEX messages_from ON messages(from_addr COLLATE NOCASE);
    CREATE INDEX messages_envelope_domain ON messages(envelope_domain);
    CREATE INDEX messages_from_domain ON messages(from_domain);
    PRAGMA user_version = 1;
  `);
  db.close();
  const { history } = await openHistory(t, dataDir);
  compareAll(history, path, 'migrated');
  const check = new Database(path, { readonly: true });
  t.after(() => check.close());
  const want = (sender: string) =>
    check
      .prepare<string[], { id: string }>('SELECT id FROM messages WHERE lower(envelope_from) = ? OR lower(from_addr) = ? OR envelope_domain = ? OR from_domain = ? ORDER BY seq DESC')
      .all(sender, sender, sender, sender)
      .map((m) => m.id);
  for (const sender of ['alice@a.example', '@a.example', 'BOB@B.example']) {
    const got = history.list({ filter: { sender }, sort: 'acceptedAt-desc', page: 0, pageSize: 500 });
    assert.deepEqual(
      got.rows.map((m) => m.id),
      want(sender.toLowerCase()).slice(0, 500),
      sender,
    );
  }
});
