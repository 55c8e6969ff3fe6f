/**
 * The statistics rollup, `stats_slots`: for each list, kind of group, group
 * key and six-hour slot (split where a local day starts within it), the counts stats.get reports (messages, recipients,
 * delivered, deferred, bounced, first and last key). The ingest keeps it in
 * the same transaction as the rows that move it: a new message adds to its
 * rows, a status change moves a count from one column to another, summed
 * per row over the transaction (RollupDeltas). A message falls under one
 * 'campaign' row if it has a CampaignCode, else under one row per mode ('time' with an empty key: the day is the group) — the same
 * split as ./group-key.ts. So a month of statistics sums a few rows per
 * group and slot instead of grouping every message, and a period that
 * starts or ends within a day counts under six hours of messages one by one.
 * (Hours would cut that further, but a busy group, one subject sent all
 * day, then has 24 rows a day to sum instead of 4.)
 *
 * Days are the host's local days in the time zone recorded beside the
 * rollup; started in another zone, the history rebuilds it. Retention
 * deletes the oldest messages, and the rollup rows of the slots it reached
 * go with them: statistics count those slots from the messages
 * (`completeFrom`).
 */
import type { Database, Statement } from 'better-sqlite3';
import type { MessageStatus } from '../../api/schemas/messages.js';
import type { GroupBy } from '../../api/schemas/stats.js';
import { valueSql } from './group-key.js';
import { localDay, timeZone } from './local-day.js';
import { asciiLower } from './senders.js';
import { SEQ_PER_MS, timeOfSeq } from './sequence.js';

/** A kind of rollup row: a mode's groups, the time mode's days, or campaigns. */
export type RollupKind = 'time' | 'campaign' | Exclude<GroupBy, 'day' | 'week' | 'month' | 'year'>;

const MODE_KINDS = ['subject', 'dynamic-subject', 'sender', 'sender-name', 'sender-subject', 'user'] as const;

export function rollupKind(by: GroupBy): RollupKind {
  return by === 'day' || by === 'week' || by === 'month' || by === 'year' ? 'time' : by;
}

/** The columns of a message that place it in the rollup. */
export interface GroupedMessage {
  seq: number;
  list: string;
  campaign_code: string | null;
  subject: string;
  dynamic_subject: string;
  from_addr: string;
  from_name: string;
  user: string;
  recipients: number;
}

export const GROUPED_COLUMNS = 'seq, list, campaign_code, subject, dynamic_subject, from_addr, from_name, user, recipients';

/** The rows a message counts in, as [kind, key]; the JavaScript twin of ./group-key.ts's valueSql. */
export function rollupKeys(m: GroupedMessage): [RollupKind, string][] {
  if (m.campaign_code !== null) return [['campaign', m.campaign_code]];
  const sender = asciiLower(m.from_addr);
  return [
    ['time', ''],
    ['subject', m.subject],
    ['dynamic-subject', m.dynamic_subject],
    ['sender', sender],
    ['sender-name', m.from_name],
    ['sender-subject', `${sender}\n${m.subject}`],
    ['user', m.user],
  ];
}

/** The statistics column a status counts in, if any. */
type Counted = 'delivered' | 'deferred' | 'bounced';

function countedAs(status: MessageStatus): Counted | null {
  switch (status) {
    case 'delivered':
    case 'partly-delivered':
      return 'delivered';
    case 'deferred':
      return 'deferred';
    case 'bounced':
      return 'bounced';
    default:
      return null;
  }
}

const flags = (status: MessageStatus): [number, number, number] => {
  const counted = countedAs(status);
  return [Number(counted === 'delivered'), Number(counted === 'deferred'), Number(counted === 'bounced')];
};

/** What a rollup row counts for one group: messages, recipients and their outcomes, and the first and last message's key. */
export interface GroupCounts {
  key: string;
  accepted: number;
  recipients: number;
  delivered: number;
  deferred: number;
  bounced: number;
  first: number;
  last: number;
}

/** A rollup row's counts moving within one ingest transaction. */
interface Delta extends GroupCounts {
  list: string;
  kind: RollupKind;
  slot: number;
  day: string;
}

/**
 * A slot of the rollup: six hours of UTC, numbered since the epoch. A local
 * day starts on a slot's edge in a zone whole hours off UTC by a multiple of
 * six, and within a slot elsewhere, where the slot then has a row per day.
 */
export const SLOT_MS = 6 * 3_600_000;

export function slotOf(ms: number): number {
  return Math.floor(ms / SLOT_MS);
}

/** The slot of `messages m` in SQL. */
const SLOT_OF_SEQ = `m.seq / ${SLOT_MS * SEQ_PER_MS}`;

/**
 * The rollup's changes in one ingest transaction, summed per row and
 * written once at its end: a batch's messages share most of their rows
 * (a day, a sender, a user), and a message accepted and delivered in one
 * batch moves its rows once, so a row is written once per batch instead of
 * twice per message in it.
 */
export class RollupDeltas {
  private readonly pending = new Map<string, Delta>();
  private readonly upsert: Statement<[string, string, string, number, string, number, number, number, number, number, number, number]>;
  private readonly shift: Statement<[number, number, number, string, string, string, number, string]>;

  constructor(db: Database) {
    this.upsert = db.prepare(`INSERT INTO stats_slots (list, kind, key, slot, day, accepted, recipients, delivered, deferred, bounced, first, last)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT DO UPDATE SET accepted = accepted + excluded.accepted, recipients = recipients + excluded.recipients, delivered = delivered + excluded.delivered,
        deferred = deferred + excluded.deferred, bounced = bounced + excluded.bounced, first = min(first, excluded.first), last = max(last, excluded.last)`);
    this.shift = db.prepare(
      'UPDATE stats_slots SET delivered = delivered + ?, deferred = deferred + ?, bounced = bounced + ? WHERE list = ? AND kind = ? AND key = ? AND slot = ? AND day = ?',
    );
  }

  /** A message entered the history with this status. */
  add(m: GroupedMessage, status: MessageStatus): void {
    const [delivered, deferred, bounced] = flags(status);
    this.each(m, (d) => {
      d.accepted += 1;
      d.recipients += m.recipients;
      d.delivered += delivered;
      d.deferred += deferred;
      d.bounced += bounced;
      d.first = Math.min(d.first, m.seq);
      d.last = Math.max(d.last, m.seq);
    });
  }

  /** A message's status changed: its count moves between columns, if the two count differently. */
  move(m: GroupedMessage, from: MessageStatus, to: MessageStatus): void {
    if (countedAs(from) === countedAs(to)) return;
    const before = flags(from);
    const after = flags(to);
    this.each(m, (d) => {
      d.delivered += after[0] - before[0];
      d.deferred += after[1] - before[1];
      d.bounced += after[2] - before[2];
    });
  }

  /** Writes the summed changes (inside the transaction that made them). */
  write(): void {
    for (const d of this.pending.values()) {
      if (d.accepted > 0) this.upsert.run(d.list, d.kind, d.key, d.slot, d.day, d.accepted, d.recipients, d.delivered, d.deferred, d.bounced, d.first, d.last);
      // Only moved: the row exists, unless retention took its slot (then there is nothing to move).
      else if (d.delivered !== 0 || d.deferred !== 0 || d.bounced !== 0) this.shift.run(d.delivered, d.deferred, d.bounced, d.list, d.kind, d.key, d.slot, d.day);
    }
    this.pending.clear();
  }

  /** Forgets the changes of a transaction that rolled back. */
  discard(): void {
    this.pending.clear();
  }

  private each(m: GroupedMessage, change: (d: Delta) => void): void {
    const ms = timeOfSeq(m.seq);
    const day = localDay(ms).day;
    const slot = slotOf(ms);
    for (const [kind, key] of rollupKeys(m)) {
      const id = `${m.list}\0${kind}\0${key}\0${slot}\0${day}`;
      let d = this.pending.get(id);
      if (!d) {
        d = { list: m.list, kind, key, slot, day, accepted: 0, recipients: 0, delivered: 0, deferred: 0, bounced: 0, first: m.seq, last: m.seq };
        this.pending.set(id, d);
      }
      change(d);
    }
  }
}

/** Retention deleted this message: the rows of its slot go (its slot is no longer complete, see completeFrom). */
export class RollupForget {
  private readonly remove: Statement<[string, string, string, number, string]>;

  constructor(db: Database) {
    this.remove = db.prepare('DELETE FROM stats_slots WHERE list = ? AND kind = ? AND key = ? AND slot = ? AND day = ?');
  }

  forget(m: GroupedMessage): void {
    const ms = timeOfSeq(m.seq);
    const day = localDay(ms).day;
    for (const [kind, key] of rollupKeys(m)) this.remove.run(m.list, kind, key, slotOf(ms), day);
  }
}

const COUNTS = `count(*), sum(m.recipients), sum(m.status IN ('delivered', 'partly-delivered')), sum(m.status = 'deferred'), sum(m.status = 'bounced'), min(m.seq), max(m.seq)`;

/** Counts the whole rollup again from the messages (a new database version, or another time zone). */
export function rebuildRollup(db: Database): void {
  db.exec('DELETE FROM stats_slots');
  const insert = (kind: RollupKind, key: string, where: string) =>
    db
      .prepare(
        `INSERT INTO stats_slots (list, kind, key, slot, day, accepted, recipients, delivered, deferred, bounced, first, last)
         SELECT m.list, '${kind}', ${key}, ${SLOT_OF_SEQ}, local_day(m.seq / 1024), ${COUNTS} FROM messages m WHERE ${where}
         GROUP BY m.list COLLATE NOCASE, 3, 4, 5`,
      )
      .run();
  insert('campaign', 'm.campaign_code', 'm.campaign_code IS NOT NULL');
  insert('time', "''", 'm.campaign_code IS NULL');
  for (const kind of MODE_KINDS) insert(kind, valueSql(kind), 'm.campaign_code IS NULL');
  setMeta(db, 'time_zone', timeZone());
}

/** Rebuilds the rollup if its days were counted in another time zone. */
export function checkRollupTimeZone(db: Database): void {
  if (getMeta(db, 'time_zone') !== timeZone()) db.transaction(() => rebuildRollup(db))();
}

/** Retention is about to delete messages accepted before `cutoff` (ms). */
export function markPruned(db: Database, cutoff: number): void {
  const before = Number(getMeta(db, 'pruned_before') ?? 0);
  if (cutoff > before) setMeta(db, 'pruned_before', String(cutoff));
}

/** The start of the slot from which every slot's rollup rows are complete (0: all of them). */
export function completeFrom(db: Database): number {
  const pruned = Number(getMeta(db, 'pruned_before') ?? 0);
  return pruned === 0 ? 0 : Math.ceil(pruned / SLOT_MS) * SLOT_MS;
}

function getMeta(db: Database, name: string): string | undefined {
  return db.prepare<[string], { value: string }>('SELECT value FROM history_meta WHERE name = ?').get(name)?.value;
}

function setMeta(db: Database, name: string, value: string): void {
  db.prepare('INSERT INTO history_meta (name, value) VALUES (?, ?) ON CONFLICT DO UPDATE SET value = excluded.value').run(name, value);
}
