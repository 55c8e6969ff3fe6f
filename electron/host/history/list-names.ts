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
 *
 * The settings and the history are two files: a rename is noted in the
 * history first (`intend`), then saved in the settings, then done here
 * (`rename`, which clears the note in the same transaction). A host that
 * stopped in between finds the note at its next start (`finishRenames`):
 * the settings name the list `to`, so the rename is done; they do not, so
 * it never happened and the note goes.
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
  private readonly noteRename: Statement<[string, string]>;
  private readonly clearRename: Statement<[string]>;
  private readonly notedRenames: Statement<[], { value: string }>;
  private readonly renameAndClear: (from: string, to: string) => void;

  constructor(
    db: Database,
    /** Whether a list is called `name` now (the settings' lists). */
    private readonly isList: (name: string) => boolean,
  ) {
    this.all = db.prepare('SELECT key, name FROM list_names');
    this.insert = db.prepare('INSERT INTO list_names (key, name) VALUES (?, ?)');
    this.renameRows = db.prepare('UPDATE list_names SET name = ? WHERE name = ?');
    this.noteRename = db.prepare('INSERT INTO history_meta (name, value) VALUES (?, ?) ON CONFLICT DO UPDATE SET value = excluded.value');
    this.clearRename = db.prepare('DELETE FROM history_meta WHERE name = ?');
    this.notedRenames = db.prepare("SELECT value FROM history_meta WHERE name LIKE 'renaming:%'");
    this.renameAndClear = db.transaction((from: string, to: string) => {
      this.renameRows.run(to, from);
      this.clearRename.run(renameNote(to));
    });
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

  /** The list `from` is about to be called `to` in the settings. */
  intend(from: string, to: string): void {
    this.noteRename.run(renameNote(to), JSON.stringify({ from, to }));
  }

  /** The settings did not take the rename to `to`. */
  forgetIntent(to: string): void {
    this.clearRename.run(renameNote(to));
  }

  /** The list `from` is called `to` from now on, with all of its history. */
  rename(from: string, to: string): void {
    this.renameAndClear(from, to);
    for (const entry of this.byKey.values()) if (same(entry.name, from)) entry.name = to;
  }

  /** Renames noted but not done before the host stopped: done if the settings have a list spelled `to`, else forgotten. */
  finishRenames(settingsHave: (name: string) => boolean): void {
    for (const { value } of this.notedRenames.all()) {
      const { from, to } = JSON.parse(value) as { from: string; to: string };
      if (settingsHave(to)) this.rename(from, to);
      else this.forgetIntent(to);
    }
  }
}

/** The history_meta row noting a rename to `to` (names are unique ignoring case, so one per target). */
function renameNote(to: string): string {
  return `renaming:${asciiLower(to)}`;
}

/** SQL for "`column` is one of these list keys" (NOCASE, as lists compare), and its parameters. */
export function listKeySql(column: string, keys: readonly string[]): { sql: string; params: string[] } {
  if (keys.length === 0) return { sql: '0', params: [] };
  if (keys.length === 1) return { sql: `${column} = ? COLLATE NOCASE`, params: [...keys] };
  return { sql: `${column} COLLATE NOCASE IN (${keys.map(() => '?').join(', ')})`, params: [...keys] };
}
