/**
 * The history database's tables, made and changed by numbered migrations
 * recorded in SQLite's user_version. A database from a newer Relay Desk
 * (a higher version than this one knows) is refused rather than guessed at.
 *
 * A message's `seq` is its acceptance time in ms × 1024 plus a counter, so
 * the primary key sorts by acceptance: newest first is a walk down the
 * primary key, a time range is a key range, and the full-text index (whose
 * rowid is the same seq) yields matches newest first too.
 */
import type { Database } from 'better-sqlite3';
import { rebuildRollup } from './rollup.js';

/** A migration: SQL, or a step that needs the code's own functions (local_day). */
type Migration = string | ((db: Database) => void);

const MIGRATIONS: readonly Migration[] = [
  `
  CREATE TABLE messages (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    list TEXT NOT NULL,
    user TEXT NOT NULL,
    envelope_from TEXT NOT NULL,
    from_addr TEXT NOT NULL,
    from_name TEXT NOT NULL,
    subject TEXT NOT NULL,
    dynamic_subject TEXT NOT NULL,
    recipients INTEGER NOT NULL,
    size INTEGER,
    tls INTEGER,
    priority INTEGER,
    campaign_code TEXT,
    campaign_name TEXT,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    last_reply TEXT,
    updated_at INTEGER NOT NULL,
    finished_at INTEGER,
    added_headers TEXT NOT NULL DEFAULT '[]',
    bounce_id TEXT,
    bounce_reason TEXT,
    envelope_domain TEXT GENERATED ALWAYS AS (lower(substr(envelope_from, instr(envelope_from, '@')))) VIRTUAL,
    from_domain TEXT GENERATED ALWAYS AS (lower(substr(from_addr, instr(from_addr, '@')))) VIRTUAL
  );
  CREATE UNIQUE INDEX messages_id ON messages(id);
  CREATE INDEX messages_status ON messages(status, seq DESC);
  CREATE INDEX messages_list ON messages(list COLLATE NOCASE);
  CREATE INDEX messages_user ON messages(user);
  CREATE INDEX messages_envelope_from ON messages(envelope_from COLLATE NOCASE);
  CREATE INDEX messages_from ON messages(from_addr COLLATE NOCASE);
  CREATE INDEX messages_envelope_domain ON messages(envelope_domain);
  CREATE INDEX messages_from_domain ON messages(from_domain);
  CREATE INDEX messages_finished ON messages(finished_at) WHERE finished_at IS NOT NULL;
  CREATE VIRTUAL TABLE messages_text USING fts5(text, content='', contentless_delete=1, tokenize='trigram');
  CREATE TABLE recipients (
    seq INTEGER NOT NULL,
    address TEXT NOT NULL,
    status TEXT NOT NULL,
    reply TEXT,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (seq, address)
  ) WITHOUT ROWID;
  CREATE TABLE attempts (
    seq INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    remote_host TEXT,
    results TEXT NOT NULL
  );
  CREATE INDEX attempts_seq ON attempts(seq);
  CREATE TABLE refusals (
    at INTEGER NOT NULL,
    remote_address TEXT NOT NULL,
    user TEXT,
    stage TEXT NOT NULL,
    envelope_from TEXT,
    recipients TEXT NOT NULL,
    code INTEGER NOT NULL,
    reply TEXT NOT NULL
  );
  CREATE INDEX refusals_at ON refusals(at);
  CREATE INDEX refusals_user ON refusals(user);
  CREATE INDEX refusals_remote ON refusals(remote_address);
  `,
  // 2: the statistics rollup's first table (version 4 replaces it and counts it); a sender's addresses and domains as one index
  // (./senders.ts) in place of four; recipients findable by address; the day's counters and
  // a user's refusals in a period read from their indexes alone.
  (db) => {
    db.exec(`
      CREATE TABLE history_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE stats_days (
        list TEXT NOT NULL COLLATE NOCASE,
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        day TEXT NOT NULL,
        accepted INTEGER NOT NULL,
        recipients INTEGER NOT NULL,
        delivered INTEGER NOT NULL,
        deferred INTEGER NOT NULL,
        bounced INTEGER NOT NULL,
        first INTEGER NOT NULL,
        last INTEGER NOT NULL,
        PRIMARY KEY (list, kind, key, day)
      ) WITHOUT ROWID;
      CREATE TABLE senders (key TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (key, seq)) WITHOUT ROWID;
      INSERT OR IGNORE INTO senders (key, seq) SELECT lower(envelope_from), seq FROM messages;
      INSERT OR IGNORE INTO senders (key, seq) SELECT lower(from_addr), seq FROM messages;
      INSERT OR IGNORE INTO senders (key, seq) SELECT envelope_domain, seq FROM messages WHERE instr(envelope_from, '@') > 0;
      INSERT OR IGNORE INTO senders (key, seq) SELECT from_domain, seq FROM messages WHERE instr(from_addr, '@') > 0;
      DROP INDEX messages_envelope_from;
      DROP INDEX messages_from;
      DROP INDEX messages_envelope_domain;
      DROP INDEX messages_from_domain;
      CREATE INDEX recipients_address ON recipients(address COLLATE NOCASE);
      DROP INDEX messages_finished;
      CREATE INDEX messages_finished ON messages(finished_at, status) WHERE finished_at IS NOT NULL;
      DROP INDEX refusals_user;
      CREATE INDEX refusals_user ON refusals(user, at);
    `);
  },
  // 3: a list's messages and rollup rows keep the key they were stored under; list_names
  // gives each key the list's name now, so a rename moves no message (./list-names.ts).
  `
  CREATE TABLE list_names (key TEXT PRIMARY KEY COLLATE NOCASE, name TEXT NOT NULL COLLATE NOCASE) WITHOUT ROWID;
  INSERT OR IGNORE INTO list_names (key, name) SELECT list, list FROM messages GROUP BY list COLLATE NOCASE;
  `,
  // 4: the rollup per six-hour slot within each local day (./rollup.ts), so a period that starts
  // or ends within a day counts under six hours of it message by message instead of up to a day.
  (db) => {
    db.exec(`
      DROP TABLE stats_days;
      CREATE TABLE stats_slots (
        list TEXT NOT NULL COLLATE NOCASE,
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        slot INTEGER NOT NULL,
        day TEXT NOT NULL,
        accepted INTEGER NOT NULL,
        recipients INTEGER NOT NULL,
        delivered INTEGER NOT NULL,
        deferred INTEGER NOT NULL,
        bounced INTEGER NOT NULL,
        first INTEGER NOT NULL,
        last INTEGER NOT NULL,
        PRIMARY KEY (list, kind, key, slot, day)
      ) WITHOUT ROWID;
    `);
    rebuildRollup(db);
  },
];

export const HISTORY_VERSION = MIGRATIONS.length;

export class HistoryTooNewError extends Error {
  constructor(version: number) {
    super(`The message history was written by a newer Relay Desk (database version ${version}, this one knows ${HISTORY_VERSION}); update Relay Desk to read it.`);
    this.name = 'HistoryTooNewError';
  }
}

export function migrate(db: Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > HISTORY_VERSION) throw new HistoryTooNewError(version);
  db.transaction(() => {
    for (let v = version; v < HISTORY_VERSION; v++) {
      const migration = MIGRATIONS[v] ?? '';
      if (typeof migration === 'string') db.exec(migration);
      else migration(db);
      db.pragma(`user_version = ${v + 1}`);
    }
  })();
}
