/**
 * The message history (<data>/history.sqlite3): every message the relay
 * accepted with its recipients' results and its delivery attempts, and
 * every refused attempt, kept for the retention time. The host records the
 * relay's events into it (./ingest.ts) and the API reads it (./queries.ts,
 * ./csv-export.ts); counters are kept in memory (./counters.ts).
 */
import type { Database } from 'better-sqlite3';
import type { RelayEvent } from '../../../relay/events.js';
import type { ApiImplementation, MethodOutput } from '../../api/contract.js';
import type { Counters as CountersView, MessageDetail, MessageFilter, MessageRow } from '../../api/schemas/messages.js';
import { Counters } from './counters.js';
import { exportCsv } from './csv-export.js';
import { openHistoryDatabase, type SetAside } from './database.js';
import { Ingest, MAX_BACKLOG } from './ingest.js';
import { migrateJournal, type JournalMigration } from './journal-migration.js';
import { ListNames } from './list-names.js';
import { getMessage, listMessages, listRefusals } from './queries.js';
import { Retention } from './retention.js';
import { statistics, type StatsQuery } from './statistics.js';
import { firstSeqAt, timeOfSeq } from './sequence.js';

export interface HistoryOptions {
  /** Days a finished message or a refusal is kept (read at each pruning: a change applies at the next one). */
  retentionDays: () => number;
  onMessage?: (row: MessageRow) => void;
  onCounters?: (counters: CountersView) => void;
  /** Something the admin must hear about the history happened while it runs (see `problem`). */
  onProblem?: (problem: string) => void;
  /** Whether a list is called `name` now (without it, every name is taken for a list's). */
  isList?: (name: string) => boolean;
  /** Whether the settings have a list spelled exactly `name`: a rename noted before a stop is finished by it (./list-names.ts). */
  hasListSpelled?: (name: string) => boolean;
}

export class History {
  private readonly counters: Counters;
  private readonly lists: ListNames;
  private readonly listKeys = (name: string): string[] => this.lists.keysOf(name);
  private readonly ingest: Ingest;
  readonly retention: Retention;
  /** The last batch of events that could not be written, said until the host restarts. */
  private writeFailure: string | null = null;
  /** Events the history could not keep up with, said until the host restarts. */
  private overflow: string | null = null;

  private constructor(
    private readonly db: Database,
    /** A damaged database set aside at open: the admin must be told. */
    readonly setAside: SetAside | null,
    options: HistoryOptions,
  ) {
    this.counters = new Counters(db);
    this.lists = new ListNames(db, options.isList ?? (() => true));
    this.ingest = new Ingest(db, this.counters, this.lists, {
      message: (row) => options.onMessage?.(row),
      counters: () => options.onCounters?.(this.counters.view()),
      failed: (events, err) => {
        this.writeFailure = `The message history could not record ${events} relay event(s): ${err instanceof Error ? err.message : String(err)}. The relay keeps delivering; what happened to those messages is not in the history.`;
        options.onProblem?.(this.writeFailure);
      },
      overflowed: (skipped) => {
        this.overflow = `The message history fell behind the relay and did not record ${skipped} relay event(s) (more than ${MAX_BACKLOG} were waiting to be written). The relay keeps delivering; what happened to those messages is not in the history.`;
        options.onProblem?.(this.overflow);
      },
    });
    this.retention = new Retention(db, options.retentionDays);
  }

  /** Opens (or makes, or rebuilds) the history and moves an old journal into it. */
  static async open(dataDir: string, options: HistoryOptions): Promise<{ history: History; journal: JournalMigration | null }> {
    const { db, setAside } = openHistoryDatabase(dataDir);
    const history = new History(db, setAside, options);
    if (options.hasListSpelled) history.lists.finishRenames(options.hasListSpelled);
    const journal = await migrateJournal(dataDir, db, history.ingest.applyInTransaction);
    if (journal) history.counters.recount();
    // Statistics for the query planner from a sample of each index (analysis_limit), so that
    // a first start on a large history takes milliseconds, not a full ANALYZE.
    db.pragma('analysis_limit = 400');
    db.pragma('optimize = 0x10002');
    return { history, journal };
  }

  /** What the admin must hear about the history, or null. */
  get problem(): string | null {
    const setAside = this.setAside
      ? `The message history could not be read (${this.setAside.reason}); it was kept as ${this.setAside.keptAs} and a new one started. Messages still queued are listed again; older ones are only in the kept file.`
      : null;
    return [setAside, this.writeFailure, this.overflow].filter((p) => p !== null).join(' ') || null;
  }

  record(event: RelayEvent, at?: number): void {
    this.ingest.record(event, at);
  }

  flushed(): Promise<void> {
    return this.ingest.flushed();
  }

  /** Events written since the history opened, the most that waited at once, and those not recorded because too many waited. */
  get intake(): { written: number; deepest: number; skipped: number } {
    return { written: this.ingest.written, deepest: this.ingest.deepest, skipped: this.ingest.skipped };
  }

  list(input: Parameters<ApiImplementation['messages.list']>[0]): MethodOutput<'messages.list'> {
    return listMessages(this.db, input, this.listKeys);
  }

  get(id: string): MessageDetail {
    return getMessage(this.db, id);
  }

  refusals(input: Parameters<ApiImplementation['messages.refusals']>[0]): MethodOutput<'messages.refusals'> {
    return listRefusals(this.db, input);
  }

  exportCsv(filter: MessageFilter, cursor: string | null): MethodOutput<'messages.exportCsv'> {
    return exportCsv(this.db, filter, this.listKeys, cursor);
  }

  stats(query: StatsQuery): MethodOutput<'stats.get'> {
    return statistics(this.db, query, this.lists.keysOf(query.list));
  }

  /** The list `from` is about to be renamed `to` in the settings; then renameList, or forgetListRename if they did not take it. */
  intendListRename(from: string, to: string): void {
    this.lists.intend(from, to);
  }

  forgetListRename(to: string): void {
    this.lists.forgetIntent(to);
  }

  /** The list `from` is called `to` now: its messages and statistics go with it (./list-names.ts). */
  renameList(from: string, to: string): void {
    this.lists.rename(from, to);
  }

  countersView(now?: number): CountersView {
    return this.counters.view(now);
  }

  /** Each user's acceptances since `since` (ms), oldest first: the relay's rate limiter's last hour. */
  acceptedSince(since: number): { user: string; acceptedAt: number }[] {
    return this.db
      .prepare<[number], { user: string; seq: number }>('SELECT user, seq FROM messages WHERE seq >= ? ORDER BY seq')
      .all(firstSeqAt(since))
      .map((r) => ({ user: r.user, acceptedAt: timeOfSeq(r.seq) }));
  }

  /** When mail last went out, and the last failure that left mail waiting: what the delivery state remembers across a restart. */
  lastOutcomes(): { lastDelivery: { at: string } | null; lastFailure: { at: string; error: string } | null } {
    const delivered = this.db
      .prepare<[], { at: number }>(
        "SELECT finished_at AS at FROM messages INDEXED BY messages_finished WHERE finished_at IS NOT NULL AND status IN ('delivered', 'partly-delivered') ORDER BY finished_at DESC LIMIT 1",
      )
      .get();
    const failed = this.db
      .prepare<[], { at: number; reply: string }>("SELECT updated_at AS at, last_reply AS reply FROM messages WHERE status = 'deferred' AND last_reply IS NOT NULL ORDER BY updated_at DESC LIMIT 1")
      .get();
    return {
      lastDelivery: delivered?.at ? { at: new Date(delivered.at).toISOString() } : null,
      lastFailure: failed ? { at: new Date(failed.at).toISOString(), error: failed.reply } : null,
    };
  }

  /** Writes what is buffered and closes the database; again, does nothing. */
  close(): void {
    if (!this.db.open) return;
    this.retention.stop();
    this.ingest.flush();
    // The planner's statistics brought up to date while stopping, as SQLite advises, so that the
    // next start need not (a history never analysed, 1,000,000 messages: ~1.4 s at open).
    this.db.pragma('optimize = 0x10002');
    this.db.close();
  }
}
