/**
 * The alerts sent, one JSON line each in <data>/alerts.jsonl, the newest
 * 1,000 kept: appended as they go out, the file cut back to the newest
 * 1,000 once it holds a tenth more.
 */
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { AlertHistoryEntrySchema, type AlertHistoryEntry } from '../../api/schemas/alerts.js';
import { Appender, readLines, writeWhole } from '../jsonl-file.js';

export const ALERT_HISTORY_FILE = 'alerts.jsonl';
const ALERT_HISTORY_CAP = 1_000;

/** Emits 'added' with each entry once it is written. */
export class AlertHistory extends EventEmitter<{ added: [AlertHistoryEntry] }> {
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly path: string,
    private entries: AlertHistoryEntry[],
    private onDisk: number,
    private appender: Appender,
  ) {
    super();
  }

  static async open(dataDir: string): Promise<AlertHistory> {
    const path = join(dataDir, ALERT_HISTORY_FILE);
    const read = await readLines(path);
    const entries: AlertHistoryEntry[] = [];
    // A line a crash cut short, or one this version cannot read, is skipped: the history is a record, not a setting.
    for (const line of read?.lines ?? []) {
      const parsed = AlertHistoryEntrySchema.safeParse(safeJson(line));
      if (parsed.success) entries.push(parsed.data);
    }
    const kept = entries.slice(-ALERT_HISTORY_CAP);
    const text = kept.map((e) => `${JSON.stringify(e)}\n`).join('');
    if (read === null || read.torn !== null || kept.length !== read.lines.length) await writeWhole(path, text);
    return new AlertHistory(path, kept, kept.length, new Appender(path, Buffer.byteLength(text)));
  }

  /** Resolves when every entry added so far is written (or failed): a stopping host waits for it. */
  idle(): Promise<void> {
    return this.writing;
  }

  /** Newest first. */
  list(limit = ALERT_HISTORY_CAP): AlertHistoryEntry[] {
    return this.entries.slice(-limit).reverse();
  }

  add(entry: AlertHistoryEntry): Promise<void> {
    this.entries.push(entry);
    if (this.entries.length > ALERT_HISTORY_CAP) this.entries = this.entries.slice(-ALERT_HISTORY_CAP);
    // One write at a time; a failed one does not stop the next.
    const next = this.writing.then(() => this.write(entry)).then(() => void this.emit('added', entry));
    this.writing = next.catch(() => undefined);
    return next;
  }

  private async write(entry: AlertHistoryEntry): Promise<void> {
    if (this.onDisk + 1 > ALERT_HISTORY_CAP * 1.1) {
      const text = this.entries.map((e) => `${JSON.stringify(e)}\n`).join('');
      await writeWhole(this.path, text);
      this.onDisk = this.entries.length;
      this.appender = new Appender(this.path, Buffer.byteLength(text));
      return;
    }
    const line = `${JSON.stringify(entry)}\n`;
    try {
      await this.appender.write(line);
    } catch (err) {
      await this.appender.cutBack();
      throw err;
    }
    this.appender.confirm(line);
    this.onDisk += 1;
  }
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return null;
  }
}
