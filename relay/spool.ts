/**
 * The durable spool. A message is committed when its envelope file exists:
 * the body is written and fsync'ed first, then the envelope is written to a
 * temporary name, fsync'ed and renamed, then the directory is fsync'ed. A body
 * without an envelope is a write that never finished and is discarded on start.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';

const SpooledEnvelopeSchema = z.object({
  from: z.string(),
  to: z.array(z.string()).min(1),
  size: z.number().int().nonnegative(),
  acceptedAt: z.string(),
});
export type SpooledEnvelope = z.infer<typeof SpooledEnvelopeSchema>;

export interface SpooledMessage {
  id: string;
  envelope: SpooledEnvelope;
}

/** Sortable by time, unguessable, safe as a file name. */
export function newQueueId(): string {
  return Date.now().toString(36).toUpperCase() + randomBytes(5).toString('hex').toUpperCase();
}

const QUEUE_ID = /^[0-9A-Z]+$/;

export class Spool {
  constructor(private readonly dir: string) {}

  private bodyPath(id: string): string {
    return join(this.dir, `${id}.eml`);
  }

  private envelopePath(id: string): string {
    return join(this.dir, `${id}.json`);
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const names = await readdir(this.dir);
    const committed = new Set(names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5)));
    for (const name of names) {
      const id = name.replace(/\.(eml|json\.tmp)$/, '');
      if (name.endsWith('.json.tmp') || (name.endsWith('.eml') && !committed.has(id))) {
        await rm(join(this.dir, name), { force: true });
      }
    }
  }

  /**
   * Streams a message body to disk and commits it. Returns null (and keeps
   * nothing) when the body exceeded `maxBytes`.
   */
  async write(
    body: Readable,
    envelope: Omit<SpooledEnvelope, 'size' | 'acceptedAt'>,
    isOversize: () => boolean,
  ): Promise<SpooledMessage | null> {
    const id = newQueueId();
    const bodyFile = this.bodyPath(id);
    try {
      const out = createWriteStream(bodyFile, { flags: 'wx', mode: 0o600 });
      await pipeline(body, out);
      if (isOversize()) {
        await rm(bodyFile, { force: true });
        return null;
      }
      const size = await fsyncFile(bodyFile);
      const full: SpooledEnvelope = { ...envelope, size, acceptedAt: new Date().toISOString() };
      const tmp = `${this.envelopePath(id)}.tmp`;
      await writeFile(tmp, JSON.stringify(full), { mode: 0o600, flag: 'wx' });
      await fsyncFile(tmp);
      await rename(tmp, this.envelopePath(id));
      await fsyncFile(this.dir);
      return { id, envelope: full };
    } catch (err) {
      await rm(bodyFile, { force: true });
      await rm(`${this.envelopePath(id)}.tmp`, { force: true });
      throw err;
    }
  }

  openBody(id: string): Readable {
    return createReadStream(this.bodyPath(id));
  }

  async list(): Promise<SpooledMessage[]> {
    const names = await readdir(this.dir);
    const messages: SpooledMessage[] = [];
    for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
      const id = name.slice(0, -5);
      if (!QUEUE_ID.test(id)) continue;
      const envelope = SpooledEnvelopeSchema.parse(JSON.parse(await readFile(this.envelopePath(id), 'utf8')));
      messages.push({ id, envelope });
    }
    return messages;
  }

  /** Removes the envelope first so a crash in between leaves only an orphan body, discarded on start. */
  async remove(id: string): Promise<void> {
    await rm(this.envelopePath(id), { force: true });
    await rm(this.bodyPath(id), { force: true });
  }
}

/** fsyncs a file or directory; returns its size. */
async function fsyncFile(path: string): Promise<number> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
    return (await handle.stat()).size;
  } finally {
    await handle.close();
  }
}
