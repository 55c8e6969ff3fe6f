/**
 * The stream a message takes from the client to the spool, in one pass:
 * - every line ending becomes CRLF (a bare LF or CR is data, never part of an
 *   end-of-DATA: what is spooled is what the upstream will get);
 * - the header block is collected (up to a limit), handed to `onHeaders`,
 *   which inspects and rewrites it, and written out with a prefix (the spool's
 *   metadata line) before the body, which is passed through untouched
 *   while a scanner notes whether any of its lines is over 998 octets (a
 *   few native searches per chunk; see ../mime/line-limit.ts);
 * - once `discard()` says so (too big, refused), nothing more is written but
 *   the client's data is still read to the end, as SMTP requires.
 */
import { Transform, type TransformCallback } from 'node:stream';
import Headers from 'mailsplit/lib/headers.js';
import { LongLineScanner } from '../mime/line-limit.js';

const CR = 0x0d;
const LF = 0x0a;
const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

export interface MessageStreamOptions {
  maxHeaderBytes: number;
  /** Returns what to write before the (rewritten) header block, or null to discard the message. */
  onHeaders(headers: Headers): Buffer | null;
  discard(): boolean;
}

export class MessageStream extends Transform {
  private pendingCr = false;
  private header: Buffer[] | null = [];
  private headerBytes = 0;
  private dropped = false;
  private readonly bodyLines = new LongLineScanner();
  /** Set when the header block passed the limit; the rest of the message is read and dropped. */
  headerTooLarge = false;

  constructor(private readonly options: MessageStreamOptions) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.accept(normalizeLineEndings(chunk, this));
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.pendingCr) {
      this.pendingCr = false;
      this.accept(CRLF);
    }
    if (this.header) this.finishHeader(Buffer.concat(this.header), Buffer.alloc(0));
    this.bodyLines.finish();
    done();
  }

  /** Whether a line of the body (as written out) is longer than 998 octets. */
  get longBodyLine(): boolean {
    return this.bodyLines.found;
  }

  /** Set by normalizeLineEndings: a chunk ended in CR whose partner may start the next chunk. */
  setPendingCr(value: boolean): void {
    this.pendingCr = value;
  }

  hasPendingCr(): boolean {
    return this.pendingCr;
  }

  private accept(data: Buffer): void {
    if (this.dropped || this.options.discard()) {
      this.dropped = true;
      this.header = null;
      return;
    }
    if (!this.header) {
      this.bodyLines.scan(data);
      this.push(data);
      return;
    }
    this.header.push(data);
    this.headerBytes += data.length;
    const joined = Buffer.concat(this.header);
    this.header = [joined];
    // A message may start with the blank line (no headers at all).
    const end = joined.subarray(0, 2).equals(CRLF) ? 0 : joined.indexOf(HEADER_END);
    const split = end < 0 ? -1 : end === 0 ? 2 : end + 4;
    // The limit holds however the data was chunked.
    if ((split < 0 ? joined.length : split) > this.options.maxHeaderBytes) {
      this.header = null;
      this.dropped = true;
      this.headerTooLarge = true;
    } else if (split >= 0) {
      this.finishHeader(joined.subarray(0, split), joined.subarray(split));
    }
  }

  private finishHeader(block: Buffer, rest: Buffer): void {
    this.header = null;
    // A message without headers is only its separating blank line; parsed, that
    // line would come back as an empty header after the ones the relay adds.
    const bare = block.length === 0 || block.equals(CRLF);
    const headers = new Headers(bare ? '' : block);
    const prefix = this.options.onHeaders(headers);
    if (prefix === null) {
      this.dropped = true;
      return;
    }
    this.push(prefix);
    this.push(headers.getList().length > 0 ? headers.build() : block);
    this.bodyLines.scan(rest);
    if (rest.length) this.push(rest);
  }
}

/**
 * Turns bare LF and bare CR into CRLF. A CR at the very end of a chunk is held
 * back until the next byte shows whether an LF follows (the caller flushes a
 * CR still held at the end of the message as CRLF).
 */
export function normalizeLineEndings(chunk: Buffer, state: { hasPendingCr(): boolean; setPendingCr(v: boolean): void }): Buffer {
  let input = chunk;
  if (state.hasPendingCr()) {
    state.setPendingCr(false);
    input = Buffer.concat([Buffer.from([CR]), chunk]);
  }
  if (input[input.length - 1] === CR) {
    state.setPendingCr(true);
    input = input.subarray(0, input.length - 1);
  }
  if (!hasBareLineEnding(input)) return input;
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < input.length; i++) {
    const byte = input[i];
    if (byte === LF && (i === 0 || input[i - 1] !== CR)) {
      parts.push(input.subarray(start, i), CRLF);
      start = i + 1;
    } else if (byte === CR && (i === input.length - 1 || input[i + 1] !== LF)) {
      parts.push(input.subarray(start, i), CRLF);
      start = i + 1;
    }
  }
  parts.push(input.subarray(start));
  return Buffer.concat(parts);
}

/** The common case (CRLF only) found with native searches, one step per line. */
function hasBareLineEnding(input: Buffer): boolean {
  for (let i = input.indexOf(LF); i >= 0; i = input.indexOf(LF, i + 1)) {
    if (i === 0 || input[i - 1] !== CR) return true;
  }
  for (let i = input.indexOf(CR); i >= 0; i = input.indexOf(CR, i + 1)) {
    if (i === input.length - 1 || input[i + 1] !== LF) return true;
  }
  return false;
}
