/**
 * Which list a stored message belongs to, across renames. Messages and the
 * statistics rollup name their list by a key: the list's name when the
 * history first saw it. `list_names` maps each key to the list's name now,
 * so a rename changes one row however large the history is, and whatever
 * reads the history shows, filters and counts by the name the list has now.
 *
 * Several keys can carry one name: a deleted list's history stays under its
 * last name, and a list given that name later (made or renamed) shows it as
 * its own. Names compare as SQLite's NOCASE does (ASCII letters only).
 */
import type { Database, Statement } from 'better-sqlite3';
import { asciiLower } from './senders.js';

interface Entry {
  key: string;
  name: string;
}

const same = (a: string, b: string) => asciiLower(a) === asciiLower(b);

export class ListNames {
  /** Every key, by its lower-cased spelling. */
  private byKey = new Map<string, Entry>();
  private readonly all: Statement<[], Entry>;
  private readonly insert: Statement<[string, string]>;
  private readonly renameRows: Statement<[string, string]>;

  constructor(
    db: Database,
    /** Whether a list is called `name` now (the settings' lists). */
    private readonly isList: (name: string) => boolean,
  ) {
    this.all = db.prepare('SELECT key, name FROM list_names');
    this.insert = db.prepare('INSERT INTO list_names (key, name) VALUES (?, ?)');
    this.renameRows = db.prepare('UPDATE list_names SET name = ? WHERE name = ?');
    this.reload();
  }

  /** Reads the keys again: a rolled-back ingest may have added keys it did not keep. */
  reload(): void {
    this.byKey = new Map(this.all.all().map((entry) => [asciiLower(entry.key), entry]));
  }

  /** The key a message accepted for the list `name` is stored under; a name never seen gets one. Inside the ingest's transaction. */
  keyFor(name: string): string {
    const own = this.byKey.get(asciiLower(name));
    if (own && same(own.name, name)) return own.key;
    // Accepted under the list's old name just before a rename reached the relay: it goes with the list.
    if (own && !this.isList(name)) return own.key;
    const named = this.keysOf(name);
    if (named[0] !== undefined) return named[0];
    // A new list took a name the history knows as another list's key.
    let key = name;
    for (let n = 2; this.byKey.has(asciiLower(key)); n++) key = `${name}#${n}`;
    this.insert.run(key, name);
    this.byKey.set(asciiLower(key), { key, name });
    return key;
  }

  /** The keys of the list called `name` now (none: the history has no message of it). */
  keysOf(name: string): string[] {
    const keys: string[] = [];
    for (const entry of this.byKey.values()) if (same(entry.name, name)) keys.push(entry.key);
    return keys;
  }

  /** The list `from` is called `to` from now on, with all of its history. */
  rename(from: string, to: string): void {
    this.renameRows.run(to, from);
    for (const entry of this.byKey.values()) if (same(entry.name, from)) entry.name = to;
  }
}

/** SQL for "`column` is one of these list keys" (NOCASE, as lists compare), and its parameters. */
export function listKeySql(column: string, keys: readonly string[]): { sql: string; params: string[] } {
  if (keys.length === 0) return { sql: '0', params: [] };
  if (keys.length === 1) return { sql: `${column} = ? COLLATE NOCASE`, params: [...keys] };
  return { sql: `${column} COLLATE NOCASE IN (${keys.map(() => '?').join(', ')})`, params: [...keys] };
}
