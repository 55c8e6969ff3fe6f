/**
 * The settings store on lowdb: read and checked against the schema once at
 * start, changed only through update(), one change at a time, each written
 * atomically (lowdb writes a temporary file and renames it) and then copied
 * as the last good copy. A file that cannot be read or does not pass the
 * schema is never replaced by an empty one: it is moved aside, and the last
 * good copy is restored, or the host refuses to start and says where the
 * files are.
 */
import { copyFile, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import { migrate, StoreVersionError } from './migrations.js';
import { StoreSchema, type StoreData } from './schema.js';

export const SETTINGS_FILE = 'settings.json';
export const LAST_GOOD_FILE = 'settings.last-good.json';

export class StoreOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreOpenError';
  }
}

export interface Recovery {
  /** Where the unreadable file was moved. */
  keptAs: string;
  reason: string;
}

function parse(text: string): StoreData {
  return StoreSchema.parse(migrate(JSON.parse(text) as Record<string, unknown>));
}

function describe(err: unknown): string {
  if (err instanceof SyntaxError) return `it is not valid JSON (${err.message})`;
  if (err instanceof StoreVersionError) return err.message;
  if (err && typeof err === 'object' && 'issues' in err) {
    const issue = (err as { issues: { path: PropertyKey[]; message: string }[] }).issues[0];
    return `it does not match the settings format (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'})`;
  }
  return err instanceof Error ? err.message : String(err);
}

export class Store {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly db: Low<StoreData>,
    private readonly dir: string,
    /** Set when the settings file was unreadable and the last good copy was used. */
    readonly recovery: Recovery | null,
  ) {}

  static async open(dir: string, initial: () => StoreData): Promise<Store> {
    const file = join(dir, SETTINGS_FILE);
    const lastGood = join(dir, LAST_GOOD_FILE);
    const db = new Low<StoreData>(new DataFile(file, { parse, stringify: (d) => JSON.stringify(d, null, 2) }), initial());
    let recovery: Recovery | null = null;
    try {
      await db.read();
    } catch (err) {
      const reason = describe(err);
      if (err instanceof StoreVersionError) {
        throw new StoreOpenError(`Relay Desk cannot read ${file}: ${reason}. Install the newer version again, or move the file away to start afresh.`);
      }
      const keptAs = `${file}.unreadable-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      await rename(file, keptAs);
      const copy = await readFile(lastGood, 'utf8').catch(() => null);
      let restored: StoreData | null;
      try {
        restored = copy === null ? null : parse(copy);
      } catch {
        restored = null;
      }
      if (!restored) {
        throw new StoreOpenError(
          `Relay Desk cannot read its settings: ${reason}. The file was moved to ${keptAs} and there is no good copy to restore (${lastGood}). ` +
            'Fix or restore that file and start again; Relay Desk will not start with empty settings over it.',
        );
      }
      db.data = restored;
      recovery = { keptAs, reason };
    }
    const store = new Store(db, dir, recovery);
    // A fresh install, a migration or a recovery is written out at once.
    await store.update(() => undefined);
    return store;
  }

  /** The current settings. Treat as read-only: change them with update(). */
  get data(): Readonly<StoreData> {
    return this.db.data;
  }

  /**
   * Applies `change` to a copy of the settings; if it returns without
   * throwing and the result passes the schema, the copy is written and
   * becomes current. Changes run one after another, so none is lost.
   */
  update<T>(change: (draft: StoreData) => T | Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      const draft = structuredClone(this.db.data);
      const result = await change(draft);
      const next = StoreSchema.parse(draft);
      const previous = this.db.data;
      this.db.data = next;
      try {
        await this.db.write();
      } catch (err) {
        this.db.data = previous;
        throw err;
      }
      await copyFile(join(this.dir, SETTINGS_FILE), join(this.dir, LAST_GOOD_FILE));
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}
