/**
 * A message's senders as the Messages filter looks them up: the envelope
 * sender and the From address, each whole and as its domain ("@company.com"),
 * lower-cased, one row per distinct key in the `senders` table (key, seq).
 * One index walked newest first answers "sent by this address or domain"
 * in either field, which two indexes per field (and an OR) could not.
 * Lower-casing is ASCII only, as SQLite's lower() and NOCASE do, so the
 * migration's SQL and this code make the same keys.
 */
import type { Database, Statement } from 'better-sqlite3';

export function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (upper) => upper.toLowerCase());
}

export function senderKeys(envelopeFrom: string, from: string): string[] {
  const keys = new Set<string>();
  for (const address of [envelopeFrom, from]) {
    const lower = asciiLower(address);
    keys.add(lower);
    const at = lower.indexOf('@');
    if (at >= 0) keys.add(lower.slice(at));
  }
  return [...keys];
}

/** Writes and removes a message's sender keys. */
export class SenderKeys {
  private readonly insert: Statement<[string, number]>;
  private readonly remove: Statement<[string, number]>;

  constructor(db: Database) {
    this.insert = db.prepare('INSERT OR IGNORE INTO senders (key, seq) VALUES (?, ?)');
    this.remove = db.prepare('DELETE FROM senders WHERE key = ? AND seq = ?');
  }

  add(seq: number, envelopeFrom: string, from: string): void {
    for (const key of senderKeys(envelopeFrom, from)) this.insert.run(key, seq);
  }

  delete(seq: number, envelopeFrom: string, from: string): void {
    for (const key of senderKeys(envelopeFrom, from)) this.remove.run(key, seq);
  }
}
