/**
 * The host's local calendar day of a time, as statistics read it: in
 * JavaScript, and in SQL as `local_day(ms)`. SQLite's own 'localtime'
 * modifier asks the C library, which without a TZ variable re-reads
 * /etc/localtime on every call (~12 µs, most of a statistics query's time);
 * one function for both sides also keeps the per-day rollup and a direct
 * count of messages on the same days.
 */
import type { Database } from 'better-sqlite3';

export interface LocalDay {
  /** 'YYYY-MM-DD'. */
  day: string;
  /** Local midnight that starts it, and the next one (ms). */
  start: number;
  end: number;
}

let last: LocalDay | null = null;

const pad = (n: number) => String(n).padStart(2, '0');

/** The local day `ms` falls on (the last answer is kept: events and rows come in time order). */
export function localDay(ms: number): LocalDay {
  if (last !== null && ms >= last.start && ms < last.end) return last;
  const date = new Date(ms);
  const start = new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
  const end = new Date(date.getFullYear(), date.getMonth(), date.getDate() + 1).getTime();
  last = { day: `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`, start, end };
  return last;
}

/** The time zone local days are counted in, as recorded beside the rollup. */
export function timeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Makes `local_day(ms)` available to this connection's SQL. */
export function registerLocalDay(db: Database): void {
  // A history opened again may be in another time zone (the rollup is then counted again): no day kept from before.
  last = null;
  db.function('local_day', { deterministic: true }, (ms: unknown) => (typeof ms === 'number' || typeof ms === 'bigint' ? localDay(Number(ms)).day : null));
}
