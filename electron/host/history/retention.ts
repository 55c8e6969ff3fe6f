/**
 * Forgetting what is older than the retention time (30 days unless the
 * admin chose otherwise): finished messages, with their recipients,
 * attempts and full-text entry, and refusals. Queued and deferred mail is
 * always kept. It deletes a small chunk per transaction and yields between
 * chunks, so an API call never waits behind it for more than a few ms. A
 * message takes its sender keys and its days' statistics rollup rows along;
 * the rollup is marked pruned up to the cutoff first (./rollup.ts).
 */
import type { Database, Statement } from 'better-sqlite3';
import { GROUPED_COLUMNS, markPruned, RollupForget, type GroupedMessage } from './rollup.js';
import { SenderKeys } from './senders.js';
import { firstSeqAt } from './sequence.js';

type Pruned = GroupedMessage & { envelope_from: string };

const CHUNK = 500;
export const DAY_MS = 86_400_000;

export class Retention {
  private readonly oldFinished: Statement<[number, number, number], Pruned>;
  private readonly deleteChunk: (messages: Pruned[]) => void;
  private readonly markPruned: (cutoff: number) => void;
  private readonly deleteRefusals: Statement<[number, number]>;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    db: Database,
    private readonly retentionDays: () => number,
  ) {
    this.oldFinished = db.prepare(
      `SELECT ${GROUPED_COLUMNS}, envelope_from FROM messages WHERE seq < ? AND finished_at < ? AND status NOT IN ('queued', 'sending', 'deferred') ORDER BY seq LIMIT ?`,
    );
    const byKey = (table: string) => db.prepare<[number]>(`DELETE FROM ${table} WHERE ${table === 'messages_text' ? 'rowid' : 'seq'} = ?`);
    const deletes = ['recipients', 'attempts', 'messages_text', 'messages'].map(byKey);
    const rollup = new RollupForget(db);
    const senders = new SenderKeys(db);
    this.deleteChunk = db.transaction((messages: Pruned[]) => {
      for (const m of messages) {
        rollup.forget(m);
        senders.delete(m.seq, m.envelope_from, m.from_addr);
        for (const statement of deletes) statement.run(m.seq);
      }
    });
    this.markPruned = (cutoff) => markPruned(db, cutoff);
    this.deleteRefusals = db.prepare('DELETE FROM refusals WHERE rowid IN (SELECT rowid FROM refusals WHERE at < ? ORDER BY rowid LIMIT ?)');
  }

  /** Prunes soon after start and then every `everyMs`; the timers do not keep the process alive. A failed pruning is reported and tried again next time. */
  start(onError: (err: unknown) => void, everyMs = 10 * 60_000, firstAfterMs = 5_000): void {
    const prune = () => void this.prune().catch(onError);
    this.timer = setTimeout(() => {
      prune();
      this.timer = setInterval(prune, everyMs).unref();
    }, firstAfterMs).unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Deletes everything past retention, chunk by chunk; resolves with the number of messages and refusals deleted. */
  prune(now = Date.now()): Promise<number> {
    this.running ??= this.pruneChunks(now).finally(() => (this.running = null));
    return this.running;
  }

  private async pruneChunks(now: number): Promise<number> {
    const cutoff = now - this.retentionDays() * DAY_MS;
    this.markPruned(cutoff);
    let deleted = 0;
    for (;;) {
      const messages = this.oldFinished.all(firstSeqAt(cutoff), cutoff, CHUNK);
      const refusals = this.deleteRefusals.run(cutoff, CHUNK).changes;
      if (messages.length > 0) this.deleteChunk(messages);
      deleted += messages.length + refusals;
      if (messages.length < CHUNK && refusals < CHUNK) return deleted;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
