/**
 * The durable queue on disk. One file per message: a JSON line of metadata,
 * then the message exactly as it will be delivered. A message is written to
 * <id>.tmp (or a spare file, below), fsync'ed, renamed to <id>.msg and its
 * directory fsync'ed before the client hears 250; a .tmp left by a crash is a
 * message never accepted and is removed on start. Delivery progress lives
 * beside it in <id>.state.
 *
 * A delivered message's file is kept as <id>.spare for a later message
 * (spare-pool.ts) instead of being deleted. Small messages are also kept in
 * memory from acceptance to delivery (see spool-writer.ts), within
 * HELD_BUDGET.
 */
import { createReadStream, renameSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { randomHex } from '../random-pool.js';
import { DirSync } from './dir-sync.js';
import { SparePool } from './spare-pool.js';
import { LARGE_IO_BYTES, SpoolWriter, writeDurably, type ReceivingMemory } from './spool-writer.js';
import { errnoCode, errorMessage } from '../shared/errors.js';

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
  /** The whole file's bytes while the message is held in memory for delivery. */
  held?: Buffer;
}

/** Sortable by time, unguessable, safe as a file name. */
export function newQueueId(): string {
  // Padded so that ids keep sorting by time past 2059, when the time needs a ninth digit.
  return Date.now().toString(36).toUpperCase().padStart(9, '0') + randomHex(5).toUpperCase();
}

const QUEUE_ID = /^[0-9A-Z]{8,40}$/;
const MAX_META_BYTES = 64 * 1024;
/** A metadata line is a few hundred bytes: the first read of a queued file at start takes this much. */
const HEAD_BYTES = 4096;
/** Queued files read at once at start: enough to keep the disk and the thread pool busy. */
const LOAD_CONCURRENCY = 32;
/** Memory for held messages in total; past it, new ones are read back from their files. */
const HELD_BUDGET = 16 * 1024 * 1024;

export function initialState(meta: MessageMeta): QueueState {
  return { attempts: 0, nextAttemptAt: meta.acceptedAt, pending: [...meta.envelope.to], failed: [] };
}

/** Serializes metadata as the file's first line (no raw newline can occur in JSON output). */
export function metaLine(meta: MessageMeta): Buffer {
  return Buffer.from(`${JSON.stringify(meta)}\n`);
}

/** A message being written into the spool. */
export interface SpoolingMessage {
  stream: SpoolWriter;
  commit: (meta: MessageMeta, bodyOffset: number) => Promise<StoredMessage>;
  abort: () => Promise<void>;
}

export interface SetAsideFile {
  /** Where the unreadable file now is. */
  file: string;
  reason: string;
}

export class Spool {
  private readonly dirSync: DirSync;
  /** Queue files loadQueued() could not read, moved into <dir>/unreadable/ so they neither block the relay nor vanish. */
  readonly setAside: SetAsideFile[] = [];
  private readonly spares: SparePool;
  private heldBytes = 0;
  private readonly receiving: ReceivingMemory = { held: 0 };
  /** What open() found queued, for loadQueued(). */
  private queuedAtOpen: { id: string; hasState: boolean }[] = [];

  constructor(readonly dir: string) {
    this.dirSync = new DirSync(dir);
    this.spares = new SparePool(this.dirSync);
  }

  private path(id: string, ext: 'tmp' | 'msg' | 'state' | 'spare'): string {
    return join(this.dir, `${id}.${ext}`);
  }

  /**
   * Takes stock of the folder and removes unfinished writes. From then on the
   * spool takes new messages, while loadQueued() reads what was queued
   * before: the relay listens at once, however long its queue.
   */
  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const names = await readdir(this.dir);
    // A Set: a queue held back for days can hold 100,000 files.
    const present = new Set(names);
    this.queuedAtOpen = [];
    for (const name of names) {
      const [id, ext] = name.split('.');
      if (id && QUEUE_ID.test(id) && ext === 'spare' && !this.spares.full) {
        this.spares.addFound(join(this.dir, name));
        continue;
      }
      if (!id || !QUEUE_ID.test(id) || name.endsWith('.tmp') || ext === 'spare') {
        if (ext === 'spare') await rm(join(this.dir, name), { force: true });
        if (name.endsWith('.tmp')) await rm(join(this.dir, name), { force: true });
        continue;
      }
      if (ext === 'state' && !present.has(`${id}.msg`)) await rm(join(this.dir, name), { force: true });
      if (ext === 'msg') this.queuedAtOpen.push({ id, hasState: present.has(`${id}.state`) });
    }
  }

  /** Every message that was queued when open() ran, with its delivery state; once. */
  async loadQueued(): Promise<StoredMessage[]> {
    const queued = this.queuedAtOpen.splice(0);
    const messages: StoredMessage[] = [];
    // Many at once: one after the other, 150,000 queued messages took 20-30 s to load.
    await forEachConcurrently(queued, LOAD_CONCURRENCY, async ({ id, hasState }) => {
      let loaded: StoredMessage;
      try {
        loaded = await this.load(id, hasState);
      } catch (err) {
        await this.putAside(id, errorMessage(err));
        return;
      }
      if (loaded.meta.id === id) messages.push(loaded);
      else await this.unfinishedReuse(id);
    });
    // Spares are overwritten in place on the strength of their names being on
    // disk; a relay that was killed (rather than the power cut) can leave
    // renames the disk does not have yet. One sync settles them all, before
    // any found spare can be handed out.
    await this.dirSync.sync();
    await this.spares.emptyFound();
    return messages;
  }

  /**
   * A delivered message's file renamed to a spare and then reused by the
   * next message, with a crash before the folder was synced: the old name
   * came back, holding a message that was never confirmed (its metadata names
   * its own id). It is a spare, not the old message to deliver again.
   */
  private async unfinishedReuse(id: string): Promise<void> {
    await rm(this.path(id, 'state'), { force: true });
    if (this.spares.full) {
      await rm(this.path(id, 'msg'), { force: true });
      return;
    }
    await rename(this.path(id, 'msg'), this.path(id, 'spare'));
    this.spares.addFound(this.path(id, 'spare'));
  }

  private async putAside(id: string, reason: string): Promise<void> {
    const aside = join(this.dir, 'unreadable');
    await mkdir(aside, { recursive: true, mode: 0o700 });
    const file = join(aside, `${id}.msg`);
    await rename(this.path(id, 'msg'), file);
    await rename(this.path(id, 'state'), join(aside, `${id}.state`)).catch(() => undefined);
    this.setAside.push({ file, reason });
  }

  private async load(id: string, hasState: boolean): Promise<StoredMessage> {
    const head = await readHead(this.path(id, 'msg'));
    const end = head.indexOf(0x0a);
    if (end < 0) throw new Error(`spooled message ${id} has no metadata line`);
    const meta = MessageMetaSchema.parse(JSON.parse(head.subarray(0, end).toString('utf8')));
    const stateText = hasState ? await readFile(this.path(id, 'state'), 'utf8').catch(() => null) : null;
    // Progress that cannot be read is started over: at worst a recipient gets the message twice.
    const state = parseState(stateText) ?? initialState(meta);
    return { meta, bodyOffset: end + 1, state };
  }

  /**
   * A stream to write one message into; nothing is in the queue until
   * commit(). A 'rewrite' is a second version of a message still being
   * received (made deliverable, ../mime/), written beside the first, which is
   * aborted; like any .tmp file it is removed at start if a crash left it.
   */
  create(id: string, version: 'received' | 'rewrite' = 'received'): SpoolingMessage {
    const spare = this.spares.take();
    const tmp = version === 'received' ? this.path(id, 'tmp') : join(this.dir, `${id}.rewrite.tmp`);
    const stream = new SpoolWriter(spare ?? { kind: 'new', path: tmp }, this.receiving);
    return {
      stream,
      commit: async (meta, bodyOffset) => {
        const whole = await stream.persist();
        // A rename is a quick metadata change; its durability comes from the directory fsync.
        renameSync(stream.file.path, this.path(id, 'msg'));
        await this.dirSync.sync();
        return this.hold({ meta, bodyOffset, state: initialState(meta) }, whole);
      },
      abort: async () => {
        await stream.discard();
        // A spare that was never written to is as good as before.
        if (spare && !stream.streamed) this.spares.giveBack(spare);
      },
    };
  }

  /** Writes and commits a whole message held in memory (bounces). */
  async writeWhole(meta: MessageMeta, message: Buffer): Promise<StoredMessage> {
    const target = this.spares.take() ?? { kind: 'new', path: this.path(meta.id, 'tmp') };
    const line = metaLine(meta);
    const whole = Buffer.concat([line, message]);
    await writeDurably(target, whole);
    renameSync(target.path, this.path(meta.id, 'msg'));
    await this.dirSync.sync();
    return this.hold({ meta, bodyOffset: line.length, state: initialState(meta) }, whole);
  }

  private hold(message: StoredMessage, whole: Buffer | null): StoredMessage {
    if (whole && this.heldBytes + whole.length <= HELD_BUDGET) {
      this.heldBytes += whole.length;
      message.held = whole;
    }
    return message;
  }

  /** Lets the memory copy go (a message that has to wait is read from its file later); remove() does it too. */
  release(message: StoredMessage): void {
    if (!message.held) return;
    this.heldBytes -= message.held.length;
    delete message.held;
  }

  /** The message as spooled: the held bytes, or a stream of the file. */
  openBody(message: StoredMessage): Buffer | Readable {
    if (message.held) return message.held.subarray(message.bodyOffset);
    return createReadStream(this.path(message.meta.id, 'msg'), { start: message.bodyOffset, highWaterMark: LARGE_IO_BYTES });
  }

  /** Delivery progress: written whole and renamed, so a crash leaves the old or the new state. */
  async saveState(id: string, state: QueueState): Promise<void> {
    const tmp = `${this.path(id, 'state')}.tmp`;
    await writeFile(tmp, JSON.stringify(state), { mode: 0o600 });
    await rename(tmp, this.path(id, 'state'));
  }

  /**
   * The message file becomes a spare (spare-pool.ts), or goes once there are
   * enough. unlink rather than rm: one system call each, and the state file
   * exists only after a deferral.
   */
  async remove(message: StoredMessage): Promise<void> {
    const size = message.held?.length ?? null;
    this.release(message);
    const { id } = message.meta;
    if (!this.spares.full) this.spares.recycle(this.path(id, 'msg'), this.path(id, 'spare'), size);
    else await unlinkIfPresent(this.path(id, 'msg'));
    if (message.state.attempts > 0) await unlinkIfPresent(this.path(id, 'state'));
  }

  /** remove(), made durable before it resolves: a message the admin deleted must not come back after a crash and be delivered. */
  async discard(message: StoredMessage): Promise<void> {
    await this.remove(message);
    await this.dirSync.sync();
  }
}

/** The start of a message file, enough to hold its metadata line: usually the first read's 4 KB. */
async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    let { buffer, bytesRead } = await handle.read(Buffer.allocUnsafe(HEAD_BYTES), 0, HEAD_BYTES, 0);
    if (bytesRead === HEAD_BYTES && buffer.indexOf(0x0a) < 0) ({ buffer, bytesRead } = await handle.read(Buffer.allocUnsafe(MAX_META_BYTES), 0, MAX_META_BYTES, 0));
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Runs `task` for every item, at most `limit` at a time. */
async function forEachConcurrently<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function unlinkIfPresent(path: string): Promise<void> {
  await unlink(path).catch((err: unknown) => {
    if (errnoCode(err) !== 'ENOENT') throw err;
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
