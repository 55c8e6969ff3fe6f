/**
 * Where a message goes while it is received. Most mail is small: it is held
 * in memory and written to its file in one go once the session decides to
 * keep it (one write and one fsync, nothing on disk for a refused message),
 * and the same bytes are later delivered without reading the file back. A
 * message that outgrows HOLD_LIMIT is streamed into its file from then on, so
 * a 20 MB message never sits in memory whole.
 */
import { createWriteStream, writeFile, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { Writable } from 'node:stream';

/** Messages up to this size are held in memory until they are delivered (when the spool's budget allows). */
export const HOLD_LIMIT = 256 * 1024;
/** Writes and reads of large messages: fewer, bigger system calls than the 16/64 KiB stream defaults. */
export const LARGE_IO_BYTES = 256 * 1024;

export class SpoolWriter extends Writable {
  bytesWritten = 0;
  private chunks: Buffer[] | null = [];
  private file: WriteStream | null = null;

  /** `flags`: 'wx' for a new file, 'w' to reuse an emptied one. */
  constructor(
    readonly path: string,
    private readonly flags: 'wx' | 'w',
  ) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.bytesWritten += chunk.length;
    if (this.chunks) {
      this.chunks.push(chunk);
      if (this.bytesWritten <= HOLD_LIMIT) {
        done();
        return;
      }
      // flush: fsync before close, so the rename at commit publishes complete bytes.
      this.file = createWriteStream(this.path, { flags: this.flags, mode: 0o600, flush: true, highWaterMark: LARGE_IO_BYTES });
      this.file.on('error', (err) => this.destroy(err));
      const pending = this.chunks;
      this.chunks = null;
      this.passOn(Buffer.concat(pending), done);
      return;
    }
    this.passOn(chunk, done);
  }

  private passOn(chunk: Buffer, done: () => void): void {
    if (this.file?.write(chunk)) done();
    else this.file?.once('drain', done);
  }

  override _final(done: (err?: Error | null) => void): void {
    if (!this.file) {
      done();
      return;
    }
    this.file.end();
    finished(this.file).then(() => done(), done);
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.file?.destroy();
    done(err);
  }

  /** True once the message went to its file rather than being held. */
  get streamed(): boolean {
    return this.file !== null;
  }

  /**
   * Makes the message durable in its file (a streamed one already is, after
   * end) and returns the held bytes, or null for a streamed message.
   */
  async persist(): Promise<Buffer | null> {
    if (!this.chunks) return null;
    const whole = Buffer.concat(this.chunks, this.bytesWritten);
    await writeDurably(this.path, whole, this.flags);
    return whole;
  }

  /** Drops the message: the file goes if anything was written to it. */
  async discard(): Promise<void> {
    this.destroy();
    if (this.file) await rm(this.path, { force: true });
  }
}

/** One open, write, fsync and close, through the callback API (lighter than FileHandle per call). */
export function writeDurably(path: string, data: Buffer, flags: 'wx' | 'w'): Promise<void> {
  return new Promise((resolve, reject) => writeFile(path, data, { flag: flags, mode: 0o600, flush: true }, (err) => (err ? reject(err) : resolve())));
}
