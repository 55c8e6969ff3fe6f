/**
 * Where a message goes while it is received. Most mail is small: it is held
 * in memory and written to its file in one go once the session decides to
 * keep it (one write and one fsync, nothing on disk for a refused message),
 * and the same bytes are later delivered without reading the file back. A
 * message that outgrows HOLD_LIMIT, or arrives while messages being received
 * already hold RECEIVING_BUDGET, is streamed into its file from then on, so
 * a 20 MB message never sits in memory whole, nor do 100 at once hold 256 KB
 * each.
 */
import { closeSync, createReadStream, createWriteStream, fdatasync, ftruncateSync, openSync, writeSync, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { Readable, Writable } from 'node:stream';
import { noteLargeBytes } from '../gc-nudge.js';

/** Messages up to this size are held in memory until they are delivered (when the spool's budget allows). */
export const HOLD_LIMIT = 256 * 1024;
/** What all messages being received may hold together; W3's 100 clients with 10 KB hold ~1 MB. */
export const RECEIVING_BUDGET = 4 * 1024 * 1024;
/** Reads of large messages: fewer, bigger system calls than the 64 KiB stream default. */
export const LARGE_IO_BYTES = 256 * 1024;
/**
 * Buffered writes of a streamed message. Small, because 100 large messages
 * arriving at once each fill it while the thread pool is busy (at 256 KiB,
 * 25 MB in W3-20MB). Buffered chunks still go out in one writev.
 */
const WRITE_BUFFER_BYTES = 64 * 1024;

/** The bytes held by every message being received, shared by a spool's writers. */
export interface ReceivingMemory {
  held: number;
}

/** Where a message is written: a new file, or a spare (a delivered message's file, and its length). */
export type SpoolFile = { kind: 'new'; path: string } | Spare;
export interface Spare {
  kind: 'spare';
  path: string;
  size: number;
}

export class SpoolWriter extends Writable {
  bytesWritten = 0;
  private chunks: Buffer[] | null = [];
  private out: WriteStream | null = null;

  constructor(
    readonly file: SpoolFile,
    private readonly memory: ReceivingMemory,
  ) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.bytesWritten += chunk.length;
    if (!this.chunks) {
      this.passOn(chunk, done);
      return;
    }
    this.chunks.push(chunk);
    this.memory.held += chunk.length;
    if (this.bytesWritten <= HOLD_LIMIT && this.memory.held <= RECEIVING_BUDGET) {
      done();
      return;
    }
    // flush: fsync before close, so the rename at commit publishes complete bytes.
    const flags = this.file.kind === 'new' ? 'wx' : 'w';
    this.out = createWriteStream(this.file.path, { flags, mode: 0o600, flush: true, highWaterMark: WRITE_BUFFER_BYTES });
    this.out.on('error', (err) => this.destroy(err));
    const pending = this.letGo() ?? [];
    // Chunk by chunk, not concatenated: a copy would double what large messages arriving at once hold.
    const last = pending.pop() as Buffer;
    for (const held of pending) this.out.write(held);
    this.passOn(last, done);
  }

  /** Takes the held chunks off the shared count. */
  private letGo(): Buffer[] | null {
    const chunks = this.chunks;
    this.chunks = null;
    if (chunks) this.memory.held -= chunks.reduce((n, c) => n + c.length, 0);
    return chunks;
  }

  private passOn(chunk: Buffer, done: () => void): void {
    noteLargeBytes(chunk.length);
    if (this.out?.write(chunk)) done();
    else this.out?.once('drain', done);
  }

  override _final(done: (err?: Error | null) => void): void {
    if (!this.out) {
      done();
      return;
    }
    this.out.end();
    finished(this.out).then(() => done(), done);
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    // A finished writer is destroyed by the stream machinery too; its bytes wait for persist() or discard().
    if (!this.writableFinished) this.letGo();
    this.out?.destroy();
    done(err);
  }

  /**
   * Octets [start, end) of what was written, read again once the writer has
   * finished and before persist() or discard(): from memory, or from the file.
   */
  readRange(start: number, end: number): Readable {
    if (end <= start) return Readable.from([]);
    if (this.chunks) return Readable.from(sliceOf(this.chunks, start, end));
    return createReadStream(this.file.path, { start, end: end - 1, highWaterMark: LARGE_IO_BYTES });
  }

  /** True once the message went to its file rather than being held. */
  get streamed(): boolean {
    return this.out !== null;
  }

  /**
   * Makes the message durable in its file (a streamed one already is, after
   * end) and returns the held bytes, or null for a streamed message.
   */
  async persist(): Promise<Buffer | null> {
    const chunks = this.letGo();
    if (!chunks) return null;
    const whole = Buffer.concat(chunks, this.bytesWritten);
    await writeDurably(this.file, whole);
    return whole;
  }

  /** Drops the message: the file goes if anything was written to it. */
  async discard(): Promise<void> {
    this.letGo();
    this.destroy();
    if (this.out) await rm(this.file.path, { force: true });
  }
}

/** The octets [start, end) of consecutive chunks, as views into them. */
function* sliceOf(chunks: Buffer[], start: number, end: number): Generator<Buffer> {
  let at = 0;
  for (const chunk of chunks) {
    const from = Math.max(start - at, 0);
    const to = Math.min(end - at, chunk.length);
    if (to > from) yield chunk.subarray(from, to);
    at += chunk.length;
    if (at >= end) return;
  }
}

/**
 * Writes a small message and makes it durable. Open, write and close only
 * touch the page cache (microseconds), so they run in place; only the sync
 * waits for the disk, in the thread pool. Under load each thread-pool round
 * trip costs an event-loop turn, and four of them per message (writeFile)
 * were a third of the accept latency in W2.
 *
 * A spare is overwritten in place and cut only if it was longer: rewriting
 * blocks a file already has costs ext4 no allocation and no journal, and
 * fdatasync then waits for the data alone. The size is part of
 * what fdatasync makes durable, so the file never shows old bytes after the
 * new ones.
 */
export async function writeDurably(file: SpoolFile, data: Buffer): Promise<void> {
  const fd = openSync(file.path, file.kind === 'new' ? 'wx' : 'r+', 0o600);
  try {
    for (let done = 0; done < data.length; ) done += writeSync(fd, data, done);
    if (file.kind === 'spare' && file.size > data.length) ftruncateSync(fd, data.length);
    await new Promise<void>((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
  } finally {
    closeSync(fd);
  }
}
