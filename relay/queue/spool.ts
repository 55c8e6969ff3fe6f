/**
 * The durable queue on disk. One file per message: a JSON line of metadata,
 * then the message exactly as it will be delivered. A message is written to
 * <id>.tmp, fsync'ed, renamed to <id>.msg and its directory fsync'ed before
 * the client hears 250; a .tmp left by a crash is a message never accepted
 * and is removed on start. Delivery progress lives beside it in <id>.state.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { DirSync } from './dir-sync.js';

export const MessageMetaSchema = z.object({
  v: z.literal(1),
  id: z.string(),
  envelope: z.object({ from: z.string(), to: z.array(z.string()).min(1) }),
  user: z.string(),
  via: z.enum(['auth', 'trusted', 'bounce', 'system']),
  priority: z.number().int().min(1).max(5),
  acceptedAt: z.number(),
  from: z.string(),
  subject: z.string(),
  fromDomain: z.string().nullable(),
  campaign: z.object({ name: z.string().optional(), code: z.string().optional() }).nullable(),
  tls: z.boolean(),
});
export type MessageMeta = z.infer<typeof MessageMetaSchema>;

const RecipientResultSchema = z.object({
  recipient: z.string(),
  status: z.enum(['delivered', 'deferred', 'failed']),
  code: z.number().optional(),
  response: z.string(),
});

export const QueueStateSchema = z.object({
  attempts: z.number().int(),
  nextAttemptAt: z.number(),
  /** Recipients still to deliver. */
  pending: z.array(z.string()),
  failed: z.array(RecipientResultSchema),
  lastError: z.string().optional(),
});
export type QueueState = z.infer<typeof QueueStateSchema>;

export interface StoredMessage {
  meta: MessageMeta;
  /** Where the message starts in the file, after the metadata line. */
  bodyOffset: number;
  state: QueueState;
}

/** Sortable by time, unguessable, safe as a file name. */
export function newQueueId(): string {
  // Padded so that ids keep sorting by time past 2059, when the time needs a ninth digit.
  return Date.now().toString(36).toUpperCase().padStart(9, '0') + randomBytes(5).toString('hex').toUpperCase();
}

const QUEUE_ID = /^[0-9A-Z]{8,40}$/;
const MAX_META_BYTES = 64 * 1024;

export function initialState(meta: MessageMeta): QueueState {
  return { attempts: 0, nextAttemptAt: meta.acceptedAt, pending: [...meta.envelope.to], failed: [] };
}

/** Serializes metadata as the file's first line (no raw newline can occur in JSON output). */
export function metaLine(meta: MessageMeta): Buffer {
  return Buffer.from(`${JSON.stringify(meta)}\n`);
}

export interface SetAsideFile {
  /** Where the unreadable file now is. */
  file: string;
  reason: string;
}

export class Spool {
  private readonly dirSync: DirSync;
  /** Queue files init() could not read, moved into <dir>/unreadable/ so they neither block the relay nor vanish. */
  readonly setAside: SetAsideFile[] = [];

  constructor(readonly dir: string) {
    this.dirSync = new DirSync(dir);
  }

  private path(id: string, ext: 'tmp' | 'msg' | 'state'): string {
    return join(this.dir, `${id}.${ext}`);
  }

  /** Removes unfinished writes and returns every committed message with its delivery state. */
  async init(): Promise<StoredMessage[]> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const names = await readdir(this.dir);
    const messages: StoredMessage[] = [];
    for (const name of names) {
      const [id, ext] = name.split('.');
      if (!id || !QUEUE_ID.test(id) || name.endsWith('.tmp')) {
        if (name.endsWith('.tmp')) await rm(join(this.dir, name), { force: true });
        continue;
      }
      if (ext === 'state' && !names.includes(`${id}.msg`)) await rm(join(this.dir, name), { force: true });
      if (ext !== 'msg') continue;
      try {
        messages.push(await this.load(id));
      } catch (err) {
        await this.putAside(id, err instanceof Error ? err.message : String(err));
      }
    }
    return messages;
  }

  private async putAside(id: string, reason: string): Promise<void> {
    const aside = join(this.dir, 'unreadable');
    await mkdir(aside, { recursive: true, mode: 0o700 });
    const file = join(aside, `${id}.msg`);
    await rename(this.path(id, 'msg'), file);
    await rename(this.path(id, 'state'), join(aside, `${id}.state`)).catch(() => undefined);
    this.setAside.push({ file, reason });
  }

  private async load(id: string): Promise<StoredMessage> {
    const handle = await open(this.path(id, 'msg'), 'r');
    let head: Buffer;
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(MAX_META_BYTES), 0, MAX_META_BYTES, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
    const end = head.indexOf(0x0a);
    if (end < 0) throw new Error(`spooled message ${id} has no metadata line`);
    const meta = MessageMetaSchema.parse(JSON.parse(head.subarray(0, end).toString('utf8')));
    const stateText = await readFile(this.path(id, 'state'), 'utf8').catch(() => null);
    // Progress that cannot be read is started over: at worst a recipient gets the message twice.
    const state = parseState(stateText) ?? initialState(meta);
    return { meta, bodyOffset: end + 1, state };
  }

  /** A stream to write one message into; nothing is in the queue until commit(). */
  create(id: string): { stream: WriteStream; commit: () => Promise<void>; abort: () => Promise<void> } {
    const tmp = this.path(id, 'tmp');
    // flush: fsync before close, so the rename below publishes complete bytes.
    const stream = createWriteStream(tmp, { flags: 'wx', mode: 0o600, flush: true });
    return {
      stream,
      commit: async () => {
        await rename(tmp, this.path(id, 'msg'));
        await this.dirSync.sync();
      },
      abort: async () => {
        stream.destroy();
        await rm(tmp, { force: true });
      },
    };
  }

  /** Writes and commits a whole message held in memory (bounces). */
  async writeWhole(meta: MessageMeta, message: Buffer): Promise<StoredMessage> {
    const tmp = this.path(meta.id, 'tmp');
    const line = metaLine(meta);
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(Buffer.concat([line, message]));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, this.path(meta.id, 'msg'));
    await this.dirSync.sync();
    return { meta, bodyOffset: line.length, state: initialState(meta) };
  }

  openBody(message: StoredMessage): Readable {
    return createReadStream(this.path(message.meta.id, 'msg'), { start: message.bodyOffset });
  }

  /** Delivery progress: written whole and renamed, so a crash leaves the old or the new state. */
  async saveState(id: string, state: QueueState): Promise<void> {
    const tmp = `${this.path(id, 'state')}.tmp`;
    await writeFile(tmp, JSON.stringify(state), { mode: 0o600 });
    await rename(tmp, this.path(id, 'state'));
  }

  /** unlink rather than rm: one system call each, and the state file exists only after a deferral. */
  async remove(message: StoredMessage): Promise<void> {
    await unlinkIfPresent(this.path(message.meta.id, 'msg'));
    if (message.state.attempts > 0) await unlinkIfPresent(this.path(message.meta.id, 'state'));
  }
}

async function unlinkIfPresent(path: string): Promise<void> {
  await unlink(path).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  });
}

function parseState(text: string | null): QueueState | null {
  if (text === null) return null;
  try {
    return QueueStateSchema.parse(JSON.parse(text));
  } catch {
    return null;
  }
}
