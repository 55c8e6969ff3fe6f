/**
 * SMTP users, kept apart from settings.json: with 10,000 users, rewriting
 * them all for every change cost most of a users.update. users.jsonl holds
 * a header line, then one record per change ({"put": user} or
 * {"delete": name}), appended and fsync'ed; the file is folded into memory
 * at start, each record checked against the schema, and written whole again
 * when it has grown. users.last-good.jsonl receives the same appends, so it
 * is the last good copy whenever users.jsonl is damaged.
 */
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { appendToAll, Appender, readLines, writeWhole, type Lines } from '../jsonl-file.js';
import { UserSchema, type StoredUser } from './schema.js';
import { StoreOpenError, type Recovery } from './recovery.js';

export const USERS_FILE = 'users.jsonl';
export const USERS_LAST_GOOD_FILE = 'users.last-good.jsonl';

const HEADER = JSON.stringify({ format: 'relay-desk users', version: 1 });
const RecordSchema = z.union([z.strictObject({ put: UserSchema }), z.strictObject({ delete: z.string() })]);

/** Written whole again at start once it holds this many more records than users. */
const COMPACT_SLACK = 1_000;

class Damage extends Error {}

function fold(contents: Lines): { users: Map<string, StoredUser>; records: number } {
  const [header, ...records] = contents.lines;
  if (header !== HEADER) throw new Damage(header === undefined ? 'it is empty' : 'its first line is not the users file header');
  const users = new Map<string, StoredUser>();
  records.forEach((line, i) => {
    let record: z.infer<typeof RecordSchema>;
    try {
      record = RecordSchema.parse(JSON.parse(line));
    } catch (err) {
      const detail = err instanceof SyntaxError ? 'is not valid JSON' : 'does not match the user format';
      throw new Damage(`its line ${i + 2} ${detail}`);
    }
    if ('put' in record) users.set(record.put.name, record.put);
    else users.delete(record.delete);
  });
  return { users, records: records.length };
}

function serialize(users: Iterable<StoredUser>): string {
  let text = `${HEADER}\n`;
  for (const user of users) text += `${JSON.stringify({ put: user })}\n`;
  return text;
}

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

export type UserChanges = ReadonlyMap<string, StoredUser | null>;

export class UsersFile {
  private constructor(
    /** Current users, in the order they were first stored. Read-only outside this class. */
    readonly users: Map<string, StoredUser>,
    private readonly appenders: Appender[],
    readonly recovery: Recovery | null,
  ) {}

  /**
   * Opens the users file of `dir`. `replaceWith` (users moved out of an
   * older settings file) replaces whatever is there; `fresh` (no settings
   * yet) lets a missing file start empty, which is otherwise a damage.
   */
  static async open(dir: string, start: { replaceWith: StoredUser[] | null; fresh: boolean }): Promise<UsersFile> {
    const path = join(dir, USERS_FILE);
    const mirrorPath = join(dir, USERS_LAST_GOOD_FILE);
    const [main, mirror] = await Promise.all([readLines(path), readLines(mirrorPath)]);
    let users: Map<string, StoredUser>;
    let recovery: Recovery | null = null;
    /** The file's text when it can stay as it is. */
    let text: string | null = null;
    if (start.replaceWith) {
      users = new Map(start.replaceWith.map((u) => [u.name, u]));
    } else if (!main && start.fresh) {
      users = new Map();
    } else {
      try {
        if (!main) throw new Damage('it is missing');
        const folded = fold(main);
        users = folded.users;
        if (main.torn !== null) {
          recovery = {
            keptAs: `${path}.unreadable-${stamp()}`,
            reason: `${USERS_FILE} ended in a partly written record (a change cut short when Relay Desk stopped, never confirmed); every earlier record is kept`,
          };
          await rename(path, recovery.keptAs);
        } else if (folded.records <= users.size * 2 + COMPACT_SLACK) {
          text = main.good;
        }
      } catch (err) {
        if (!(err instanceof Damage)) throw err;
        const keptAs = main ? `${path}.unreadable-${stamp()}` : null;
        if (keptAs) await rename(path, keptAs);
        users = restore(mirror, mirrorPath, `${path}: ${err.message}`, keptAs);
        recovery = { keptAs: keptAs ?? path, reason: `${USERS_FILE} could not be read: ${err.message}` };
      }
    }
    const keep = text !== null;
    text ??= serialize(users.values());
    if (!keep) await writeWhole(path, text);
    // The copy was appended to alongside; after a crash between the two appends it may differ by one record.
    if (!mirror || mirror.good !== text || mirror.torn !== null) await writeWhole(mirrorPath, text);
    const bytes = Buffer.byteLength(text);
    return new UsersFile(users, [new Appender(path, bytes), new Appender(mirrorPath, bytes)], recovery);
  }

  /** Appends the changes (null: deleted) to both files, durably, then applies them. */
  async append(changes: UserChanges): Promise<void> {
    if (changes.size === 0) return;
    let text = '';
    for (const [name, user] of changes) text += `${JSON.stringify(user ? { put: UserSchema.parse(user) } : { delete: name })}\n`;
    await appendToAll(this.appenders, text);
    for (const [name, user] of changes) {
      if (user) this.users.set(name, user);
      else this.users.delete(name);
    }
  }
}

function restore(mirror: Lines | null, mirrorPath: string, problem: string, keptAs: string | null): Map<string, StoredUser> {
  try {
    if (!mirror) throw new Damage('it is missing');
    return fold(mirror).users;
  } catch (err) {
    if (!(err instanceof Damage)) throw err;
    throw new StoreOpenError(
      `Relay Desk cannot read its SMTP users: ${problem}${keptAs ? `; the file was moved to ${keptAs}` : ''}. ` +
        `The last good copy ${mirrorPath} cannot be used either (${err.message}). ` +
        'Fix or restore one of them and start again; Relay Desk will not start without its users.',
    );
  }
}
