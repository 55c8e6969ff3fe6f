/**
 * A statistics period split by where its counts come from: the whole local
 * days the rollup holds completely, and the rest (the part of a day the
 * period cuts, days retention has reached) counted from the messages. A day
 * the period cuts still comes whole from the rollup when the list has no
 * message in the part left out, as for a period that ends now.
 */
import type { Database } from 'better-sqlite3';
import { listKeySql } from './list-names.js';
import { localDay } from './local-day.js';
import { completeFrom } from './rollup.js';
import { firstSeqAt } from './sequence.js';

export interface Span {
  /** Local days [from, until) ('YYYY-MM-DD') summed from the rollup, or null. */
  days: { from: string; until: string } | null;
  /** Time ranges [from, until) in ms counted from the messages. */
  direct: [number, number][];
}

function hasMessages(db: Database, keys: readonly string[], from: number, until: number): boolean {
  if (from >= until) return false;
  const list = listKeySql('list', keys);
  return db.prepare(`SELECT 1 FROM messages WHERE ${list.sql} AND seq >= ? AND seq < ? LIMIT 1`).get(...list.params, firstSeqAt(from), firstSeqAt(until)) !== undefined;
}

export function splitPeriod(db: Database, keys: readonly string[], since: number, until: number): Span {
  const complete = completeFrom(db);
  const head = localDay(since);
  const tail = localDay(until);
  let start = Math.max(head.start === since ? since : head.end, complete);
  let end = tail.start;
  if (start === head.end && head.start >= complete && !hasMessages(db, keys, head.start, since)) start = head.start;
  if (end < until && !hasMessages(db, keys, until, tail.end)) end = tail.end;
  if (start >= end) return { days: null, direct: [[since, until]] };
  const direct: [number, number][] = [];
  if (since < start) direct.push([since, start]);
  if (end < until) direct.push([end, until]);
  return { days: { from: localDay(start).day, until: localDay(end).day }, direct };
}
