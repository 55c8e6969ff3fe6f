/**
 * Relay events into the history without slowing the relay: record() only
 * stamps and buffers an event; GATHER_MS after the first one, what is
 * buffered is written in one transaction (a full batch at once), and each
 * message that changed is announced once with its new row. A host that fell behind writes bigger batches, up to
 * MAX_BATCH events each, yielding between them so that API calls are not
 * held behind a long transaction. The relay never waits on the history: if
 * the backlog reaches MAX_BACKLOG events (a relay faster than the disk for
 * minutes), later events are not kept, counted, and the admin told; memory
 * stays bounded.
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
  /** The backlog was full: `skipped` events (in all, since the history opened) were not recorded. */
  overflowed(skipped: number): void;
}

/** Events written in one transaction at most: one batch of them takes tens of ms, not seconds. */
export const MAX_BATCH = 5_000;
/**
 * How long the first buffered event waits for others to share its
 * transaction. The relay sends its events a few at a time; writing each
 * handful in a transaction of its own cost ~190 µs of CPU per event at the
 * relay's pace, gathered ~130 (bench/history-intake.mjs). Short enough for
 * the Messages screen to look live.
 */
export const GATHER_MS = 100;
/** Events waiting to be written at most: ~35 MB of the benchmark's mix (about 350 bytes each). */
export const MAX_BACKLOG = 100_000;

type Pending = { event: RelayEvent; at: number };

export class Ingest {
  private pending: Pending[] = [];
  private scheduled = false;
  private gathering: NodeJS.Timeout | null = null;
  private idle: Promise<void> = Promise.resolve();
  private settle: (() => void) | null = null;
  private readonly applier: EventApplier;
  private readonly rowOf: Statement<[string], MessageDbRow>;
  private readonly writeBatch: (batch: Pending[], changed: Set<string>) => void;
  /** Events written since the history opened, for the benchmark's intake rate. */
  written = 0;
  /** Events not recorded because the backlog was full, since the history opened. */
  skipped = 0;
  /** The most events that waited at once, for the benchmark. */
  deepest = 0;

  constructor(
    private readonly db: Database,
    counters: Counters,
    private readonly lists: ListNames,
    private readonly listener: IngestListener,
  ) {
    this.applier = new EventApplier(db, counters, lists);
    this.rowOf = db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.id = ?`);
    this.writeBatch = db.transaction((batch: Pending[], changed: Set<string>) => {
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
    if (this.pending.length >= MAX_BACKLOG) {
      if (this.skipped++ % MAX_BATCH === 0) this.listener.overflowed(this.skipped);
      return;
    }
    this.pending.push({ event, at });
    this.deepest = Math.max(this.deepest, this.pending.length);
    if (this.scheduled) {
      // A full batch is written at once: waiting longer would only make the next one bigger.
      if (this.gathering !== null && this.pending.length >= MAX_BATCH) {
        clearTimeout(this.gathering);
        this.gathering = null;
        setImmediate(() => this.writeSome());
      }
      return;
    }
    this.scheduled = true;
    this.idle = new Promise((resolve) => (this.settle = resolve));
    this.gathering = setTimeout(() => {
      this.gathering = null;
      this.writeSome();
    }, GATHER_MS);
  }

  /** Resolves once everything recorded so far is written. */
  flushed(): Promise<void> {
    return this.idle;
  }

  /** Writes everything buffered now (at stop). */
  flush(): void {
    if (this.gathering !== null) clearTimeout(this.gathering);
    this.gathering = null;
    while (this.pending.length > 0) this.write(this.takeBatch());
    this.scheduled = false;
    this.settle?.();
    this.settle = null;
  }

  /** One batch, then the next on a later tick, until the backlog is written. */
  private writeSome(): void {
    if (!this.scheduled) return;
    this.write(this.takeBatch());
    if (this.pending.length > 0) {
      setImmediate(() => this.writeSome());
      return;
    }
    this.scheduled = false;
    this.settle?.();
    this.settle = null;
  }

  private takeBatch(): Pending[] {
    if (this.pending.length <= MAX_BATCH) {
      const all = this.pending;
      this.pending = [];
      return all;
    }
    return this.pending.splice(0, MAX_BATCH);
  }

  private write(batch: Pending[]): void {
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
  }
}
