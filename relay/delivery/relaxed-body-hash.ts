/**
 * The hash of a message body in DKIM's relaxed canonicalization (RFC 6376
 * §3.4.4): whitespace at the end of a line dropped, runs of whitespace within
 * a line made one space, every line ended with CRLF, empty lines at the end
 * ignored, a non-empty body ended with CRLF. The same hash as nodemailer's
 * RelaxedBody (the reference the relay signed with before), which looks at
 * every byte in JavaScript; most mail is already canonical (CRLF lines, single
 * spaces, nothing trailing), and here such lines are found with native
 * searches and hashed as they are. Anything else goes through the byte loop,
 * so a line of any length costs constant memory either way.
 */
import { createHash, type Hash } from 'node:crypto';

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const TAB = 0x09;
const CRLF = Buffer.from('\r\n');
const EMPTY_LINES = Buffer.alloc(4096, CRLF);

export class RelaxedBodyHash {
  private readonly hash: Hash = createHash('sha256');
  private lineHasContent = false;
  private pendingWsp = false;
  private pendingCr = false;
  /** Empty lines seen but not hashed: they count only if content follows. */
  private emptyLines = 0;

  update(chunk: Buffer): void {
    let start = 0;
    if (this.lineHasContent || this.pendingWsp || this.pendingCr) {
      // The line the last chunk left open ends here first, byte by byte.
      const lf = chunk.indexOf(LF);
      start = lf < 0 ? chunk.length : lf + 1;
      this.bytes(chunk, 0, start);
    }
    const lastLf = chunk.lastIndexOf(LF);
    if (lastLf >= start) {
      const lines = chunk.subarray(start, lastLf + 1);
      if (isCanonical(lines)) this.canonicalLines(lines);
      else this.bytes(chunk, start, lastLf + 1);
      start = lastLf + 1;
    }
    if (start < chunk.length) this.bytes(chunk, start, chunk.length);
  }

  /** The body hash, base64, as the bh= tag carries it. */
  digest(): string {
    if (this.pendingCr) {
      // A CR at the very end of the body is content.
      this.bytes(Buffer.from([CR]), 0, 1);
      this.pendingCr = false;
    }
    if (this.lineHasContent) this.hash.update(CRLF);
    return this.hash.digest('base64');
  }

  /** Whole CRLF lines already canonical, starting a line: hashed as they are, the empty ones at their end held back. */
  private canonicalLines(lines: Buffer): void {
    let end = lines.length;
    let trailing = 0;
    while (end >= 2 && (end === 2 || lines[end - 3] === LF)) {
      end -= 2;
      trailing++;
    }
    if (end > 0) {
      this.hashEmptyLines();
      this.hash.update(end === lines.length ? lines : lines.subarray(0, end));
    }
    this.emptyLines += trailing;
  }

  private hashEmptyLines(): void {
    while (this.emptyLines > 0) {
      const count = Math.min(this.emptyLines, EMPTY_LINES.length / 2);
      this.hash.update(EMPTY_LINES.subarray(0, count * 2));
      this.emptyLines -= count;
    }
  }

  /** bytes[from, to) canonicalized one at a time (nodemailer's loop). */
  private bytes(chunk: Buffer, from: number, to: number): void {
    const out = Buffer.allocUnsafe((to - from) * 2 + 2);
    let pos = 0;
    const content = (c: number): void => {
      if (!this.lineHasContent) {
        if (this.emptyLines > 0) {
          // Content after empty lines makes them part of the body: what is already out goes first.
          this.hash.update(out.subarray(0, pos));
          pos = 0;
          this.hashEmptyLines();
        }
        this.lineHasContent = true;
      }
      if (this.pendingWsp) {
        out[pos++] = SP;
        this.pendingWsp = false;
      }
      out[pos++] = c;
    };
    for (let i = from; i < to; i++) {
      const c = chunk[i] as number;
      if (c === LF) {
        if (this.lineHasContent) {
          out[pos++] = CR;
          out[pos++] = LF;
          this.lineHasContent = false;
        } else {
          this.emptyLines++;
        }
        this.pendingWsp = false;
        this.pendingCr = false;
        continue;
      }
      if (this.pendingCr) {
        // Not followed by LF, so the CR is content.
        content(CR);
        this.pendingCr = false;
      }
      if (c === CR) this.pendingCr = true;
      else if (c === SP || c === TAB) this.pendingWsp = true;
      else content(c);
    }
    if (pos > 0) this.hash.update(out.subarray(0, pos));
  }
}

/** What relaxed canonicalization would change: a CR not before LF, an LF not after CR, a tab, a run of spaces, a space before a line end. */
const NOT_CANONICAL = /\r(?!\n)|(?<!\r)\n|\t| [ \r]/;

/**
 * Whole lines that relaxed canonicalization leaves as they are: every line
 * ends CRLF, no CR elsewhere, no tab, no run of spaces, no space before a
 * line end (a line of spaces alone has one). One regular expression over the
 * bytes read as Latin-1 (a character per byte) is far quicker than a search
 * per line end.
 */
function isCanonical(lines: Buffer): boolean {
  return !NOT_CANONICAL.test(lines.toString('latin1'));
}
