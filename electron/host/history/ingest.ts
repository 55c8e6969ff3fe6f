/**
 * Relay events into the history without slowing the relay: record() only
 * stamps and buffers an event; once per tick everything buffered is written
 * in one transaction, and each message that changed is announced once with
 * its new row. A host that fell behind writes a bigger batch, not more
 * transactions.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { RelayEvent } from '../../../relay/events.js';
import type { MessageRow } from '../../api/schemas/messages.js';
import { EventApplier, HISTORY_EVENTS } from './apply-event.js';
import type { Counters } from './counters.js';
import type { ListNames } from './list-names.js';
import { MESSAGE_COLUMNS, messageRow, type MessageDbRow } from './rows.js';

export interface IngestListener {
  /** A message's row after the batch that changed it. */
  message(row: MessageRow): void;
  /** The counters moved in the batch. */
  counters(): void;
  /** A batch could not be written (the disk is full, the database was damaged): its events are lost to the history. */
  failed(events: number, err: unknown): void;
}

export class Ingest {
  private pending: { event: RelayEvent; at: number }[] = [];
  private scheduled = false;
  private idle: Promise<void> = Promise.resolve();
  private settle: (() => void) | null = null;
  private readonly applier: EventApplier;
  private readonly rowOf: Statement<[string], MessageDbRow>;
  private readonly writeBatch: (batch: { event: RelayEvent; at: number }[], changed: Set<string>) => void;
  /** Events written since the history opened, for the benchmark's intake rate. */
  written = 0;

  constructor(
    private readonly db: Database,
    counters: Counters,
    private readonly lists: ListNames,
    private readonly listener: IngestListener,
  ) {
    this.applier = new EventApplier(db, counters, lists);
    this.rowOf = db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.id = ?`);
    this.writeBatch = db.transaction((batch: { event: RelayEvent; at: number }[], changed: Set<string>) => {
      this.applier.inBatch(() => {
        for (const { event, at } of batch) this.applier.apply(event, at, changed);
      });
    });
  }

  get applyInTransaction(): EventApplier {
    return this.applier;
  }

  record(event: RelayEvent, at = Date.now()): void {
    if (!HISTORY_EVENTS.has(event.type)) return;
    this.pending.push({ event, at });
    if (this.scheduled) return;
    this.scheduled = true;
    this.idle = new Promise((resolve) => (this.settle = resolve));
    setImmediate(() => this.flush());
  }

  /** Resolves once everything recorded so far is written. */
  flushed(): Promise<void> {
    return this.idle;
  }

  /** Writes what is buffered now (also called at stop). */
  flush(): void {
    const batch = this.pending;
    this.pending = [];
    this.scheduled = false;
    const done = this.settle;
    this.settle = null;
    try {
      if (batch.length === 0) return;
      const changed = new Set<string>();
      try {
        this.writeBatch(batch, changed);
      } catch (err) {
        // The transaction rolled back; the relay goes on, and the admin is told.
        this.lists.reload();
        this.listener.failed(batch.length, err);
        return;
      }
      this.written += batch.length;
      for (const id of changed) {
        const row = this.rowOf.get(id);
        if (row) this.listener.message(messageRow(row));
      }
      if (changed.size > 0 || batch.some((b) => b.event.type === 'rejected')) this.listener.counters();
    } finally {
      done?.();
    }
  }
}
