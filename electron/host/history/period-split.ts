/**
 * A statistics period split by where its counts come from: the whole slots
 * the rollup holds completely, and the rest (the part of a slot the period
 * cuts, slots retention has reached) counted from the messages. A slot the
 * period cuts still comes whole from the rollup when the list has no
 * message in the part left out, as for a period that ends now.
 */
import type { Database } from 'better-sqlite3';
import { listKeySql } from './list-names.js';
import { completeFrom, SLOT_MS, slotOf } from './rollup.js';
import { firstSeqAt } from './sequence.js';

export interface Span {
  /** Slots since the epoch [from, until) summed from the rollup, or null. */
  slots: { from: number; until: number } | null;
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
  const headStart = slotOf(since) * SLOT_MS;
  const headEnd = headStart + SLOT_MS;
  const tailStart = slotOf(until) * SLOT_MS;
  let start = Math.max(headStart === since ? since : headEnd, complete);
  let end = tailStart;
  if (start === headEnd && headStart >= complete && !hasMessages(db, keys, headStart, since)) start = headStart;
  if (end < until && !hasMessages(db, keys, until, tailStart + SLOT_MS)) end = tailStart + SLOT_MS;
  if (start >= end) return { slots: null, direct: [[since, until]] };
  const direct: [number, number][] = [];
  if (since < start) direct.push([since, start]);
  if (end < until) direct.push([end, until]);
  return { slots: { from: slotOf(start), until: slotOf(end) }, direct };
}
