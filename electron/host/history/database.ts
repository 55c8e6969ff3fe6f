/**
 * Opening <data>/history.sqlite3: WAL mode, private to the user, migrated
 * to this version's tables. A database that cannot be read (damaged, not a
 * database) is never silently emptied: it is renamed aside as
 * history.sqlite3.corrupt-<time> with its WAL, a new one is made, and the
 * caller is told so it can tell the admin (the relay's queue snapshot then
 * refills what is still queued).
 */
import Database from 'better-sqlite3';
import { chmodSync, existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { registerLocalDay } from './local-day.js';
import { checkRollupTimeZone } from './rollup.js';
import { migrate } from './schema.js';

export const HISTORY_FILE = 'history.sqlite3';

/** A damaged database set aside at open. */
export interface SetAside {
  keptAs: string;
  reason: string;
}

export interface OpenedDatabase {
  db: Database.Database;
  setAside: SetAside | null;
}

/** SQLite's answers for a file that is not a readable database. */
const DAMAGE_CODES = /^SQLITE_(CORRUPT|NOTADB|CANTOPEN)/;

export function openHistoryDatabase(dataDir: string, now = new Date()): OpenedDatabase {
  const path = join(dataDir, HISTORY_FILE);
  try {
    return { db: openAt(path), setAside: null };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (!existsSync(path) || typeof code !== 'string' || !DAMAGE_CODES.test(code)) throw err;
    const keptAs = `${path}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
    renameSync(path, keptAs);
    for (const suffix of ['-wal', '-shm']) {
      if (existsSync(path + suffix)) renameSync(path + suffix, keptAs + suffix);
    }
    return { db: openAt(path), setAside: { keptAs, reason: (err as Error).message } };
  }
}

function openAt(path: string): Database.Database {
  const db = new Database(path);
  try {
    if (process.platform !== 'win32') chmodSync(path, 0o600);
    db.pragma('journal_mode = WAL');
    // In WAL mode NORMAL survives a crash of the host; what a power cut could lose, the queue snapshot repairs.
    db.pragma('synchronous = NORMAL');
    // 32 MB of page cache; sorts and groupings too large for memory spill to temporary files, so RSS stays bounded.
    db.pragma('cache_size = -32000');
    registerLocalDay(db);
    migrate(db);
    checkRollupTimeZone(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
