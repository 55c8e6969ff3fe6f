/**
 * The settings store: settings.json on lowdb, and the SMTP users in their
 * own append-only file (./users-file.ts). Both are read and checked against
 * the schema once at start, and changed only through update(), one change
 * at a time. settings.json is written atomically (lowdb writes a temporary
 * file and renames it), only when a change touched it, and then copied as
 * the last good copy. A file that cannot be read or does not pass the schema
 * is never replaced by an empty one: it is moved aside, and the last good
 * copy is restored, or the host refuses to start and says where the files
 * are.
 */
import { copyFile, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import { z } from 'zod';
import { migrate, MOVED_USERS, StoreVersionError } from './migrations.js';
import { StoreOpenError, type Recovery } from './recovery.js';
import { StoreSchema, UserSchema, type StoreData, type StoredUser } from './schema.js';
import { UsersFile } from './users-file.js';
import { errnoCode, errorMessage } from '../../../relay/shared/errors.js';

export { StoreOpenError, type Recovery } from './recovery.js';

export const SETTINGS_FILE = 'settings.json';
export const LAST_GOOD_FILE = 'settings.last-good.json';

interface Parsed {
  data: StoreData;
  /** Users of a settings file older than version 3, to be moved to the users file. */
  movedUsers: StoredUser[] | null;
}

function parse(text: string): Parsed {
  const raw = migrate(JSON.parse(text) as Record<string, unknown>);
  const moved = raw[MOVED_USERS];
  return { data: StoreSchema.parse(raw), movedUsers: moved === undefined ? null : z.array(UserSchema).parse(moved) };
}

const stringify = (data: StoreData) => JSON.stringify(data, null, 2);

function describe(err: unknown): string {
  if (err instanceof SyntaxError) return `it is not valid JSON (${err.message})`;
  if (err instanceof StoreVersionError) return err.message;
  if (err && typeof err === 'object' && 'issues' in err) {
    const issue = (err as { issues: { path: PropertyKey[]; message: string }[] }).issues[0];
    return `it does not match the settings format (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'})`;
  }
  return errorMessage(err);
}

/** Reads settings.json, falling back to its last good copy. */
async function readSettings(dir: string): Promise<{ parsed: Parsed | null; recovery: Recovery | null }> {
  const file = join(dir, SETTINGS_FILE);
  const lastGood = join(dir, LAST_GOOD_FILE);
  const text = await readFile(file, 'utf8').catch((err: unknown) => {
    if (errnoCode(err) === 'ENOENT') return null;
    throw err;
  });
  if (text === null) return { parsed: null, recovery: null };
  try {
    return { parsed: parse(text), recovery: null };
  } catch (err) {
    const reason = describe(err);
    if (err instanceof StoreVersionError) {
      throw new StoreOpenError(`Relay Desk cannot read ${file}: ${reason}. Install the newer version again, or move the file away to start afresh.`);
    }
    const keptAs = `${file}.unreadable-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await rename(file, keptAs);
    const copy = await readFile(lastGood, 'utf8').catch(() => null);
    let restored: Parsed | null;
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
    return { parsed: restored, recovery: { keptAs, reason } };
  }
}

/**
 * A change's view of the users: reads see the change's own writes; nothing
 * is stored unless the whole change succeeds. Users returned are read-only:
 * put a changed copy.
 */
export class UsersDraft {
  readonly changes = new Map<string, StoredUser | null>();

  constructor(private readonly committed: ReadonlyMap<string, StoredUser>) {}

  get(name: string): StoredUser | undefined {
    return this.changes.has(name) ? (this.changes.get(name) ?? undefined) : this.committed.get(name);
  }

  *values(): IterableIterator<StoredUser> {
    for (const [name, user] of this.committed) {
      const current = this.changes.has(name) ? this.changes.get(name) : user;
      if (current) yield current;
    }
    for (const [name, user] of this.changes) if (user && !this.committed.has(name)) yield user;
  }

  put(user: StoredUser): void {
    this.changes.set(user.name, user);
  }

  delete(name: string): void {
    this.changes.set(name, null);
  }
}

export class Store {
  private queue: Promise<unknown> = Promise.resolve();
  private written: string | null = null;
  private usersChanged = 0;

  private constructor(
    private readonly db: Low<StoreData>,
    private readonly dir: string,
    private readonly usersFile: UsersFile,
    private readonly recoveries: Recovery[],
  ) {}

  static async open(dir: string, initial: () => StoreData): Promise<Store> {
    const { parsed, recovery } = await readSettings(dir);
    // The users go first: a crash before the settings are written leaves the old settings file, which moves them again.
    const usersFile = await UsersFile.open(dir, { replaceWith: parsed?.movedUsers ?? null, fresh: parsed === null });
    const db = new Low<StoreData>(new DataFile(join(dir, SETTINGS_FILE), { parse: (text) => parse(text).data, stringify }), parsed?.data ?? initial());
    const recoveries = [recovery, usersFile.recovery].filter((r) => r !== null);
    const store = new Store(db, dir, usersFile, recoveries);
    // A fresh install, a migration or a recovery is written out at once.
    await store.writeSettings(db.data);
    return store;
  }

  /** Set when a damaged file was replaced by its last good copy at start. */
  get recovery(): Recovery | null {
    if (this.recoveries.length === 0) return null;
    return { keptAs: this.recoveries.map((r) => r.keptAs).join(' and '), reason: this.recoveries.map((r) => r.reason).join('; ') };
  }

  /** The current settings. Treat as read-only: change them with update(). */
  get data(): Readonly<StoreData> {
    return this.db.data;
  }

  /** The SMTP users by name, in creation order. Treat as read-only: change them with update(). */
  get users(): ReadonlyMap<string, StoredUser> {
    return this.usersFile.users;
  }

  /** Grows with every change to the users, so tables derived from them can be kept until it moves. */
  get usersVersion(): number {
    return this.usersChanged;
  }

  /**
   * Applies `change` to a copy of the settings (a few KB: the users are not
   * in it) and to a draft of the users; if it returns without throwing and
   * the result passes the schema, what it changed is written and becomes
   * current. Changes run one after another, so none is lost.
   */
  update<T>(change: (draft: StoreData, users: UsersDraft) => T | Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      const draft = structuredClone(this.db.data);
      const users = new UsersDraft(this.usersFile.users);
      const result = await change(draft, users);
      const next = StoreSchema.parse(draft);
      // Settings first: a user appended after a failed settings write could reuse a user number.
      await this.writeSettings(next);
      try {
        await this.usersFile.append(users.changes);
      } finally {
        // Also after a failed append: whatever the file now holds in memory is newer than any cached table.
        if (users.changes.size > 0) this.usersChanged++;
      }
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Writes settings that differ from those on disk, then their last good copy. */
  private async writeSettings(next: StoreData): Promise<void> {
    const text = stringify(next);
    if (text === this.written) return;
    const previous = this.db.data;
    this.db.data = next;
    try {
      await this.db.write();
    } catch (err) {
      this.db.data = previous;
      throw err;
    }
    this.written = text;
    await copyFile(join(this.dir, SETTINGS_FILE), join(this.dir, LAST_GOOD_FILE));
  }
}
