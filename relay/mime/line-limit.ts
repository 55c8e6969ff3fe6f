/**
 * RFC 5321 §4.5.3.1.6: a line of a message is at most 1000 octets with its
 * CRLF. Upstreams that enforce it (aiosmtpd, many MTAs) refuse the whole
 * message, so the relay finds such lines while it receives, before its 250.
 */

/** The most octets a line may hold, its CRLF not counted. */
export const MAX_LINE_OCTETS = 998;

const LF = 0x0a;
/** The furthest an LF may lie from the start of its line: 998 octets, the CR, then the LF. */
const LF_REACH = MAX_LINE_OCTETS + 1;

/**
 * Tells whether any line of a CRLF stream is longer than MAX_LINE_OCTETS,
 * however the stream is cut into chunks. This is on the relay's hot path, so
 * it never visits every line: from the start of a line it asks for the last
 * LF within reach (one native backward search); if there is one, the next
 * look starts after it, ~900 octets on in ordinary text, so a 10 KB message
 * costs about a dozen searches. Once a long line is found it stops looking.
 */
export class LongLineScanner {
  /** Octets of the line still open at the end of the last chunk (its CR included, if it came). */
  private open = 0;
  private seen = false;

  /** True once a line longer than MAX_LINE_OCTETS has gone by. */
  get found(): boolean {
    return this.seen;
  }

  scan(chunk: Buffer): void {
    if (this.seen || chunk.length === 0) return;
    // Where the open line starts, relative to this chunk (negative: in an earlier chunk).
    let start = -this.open;
    for (;;) {
      const reach = start + LF_REACH;
      if (reach >= chunk.length) {
        // The rest of the chunk is within reach: only where its last line starts matters.
        const lf = chunk.lastIndexOf(LF);
        this.open = chunk.length - (lf >= 0 ? lf + 1 : start);
        return;
      }
      const lf = chunk.lastIndexOf(LF, reach);
      // No LF between the line's start (or this chunk's, for a line begun earlier) and its reach.
      if (lf < Math.max(start, 0)) {
        this.seen = true;
        return;
      }
      start = lf + 1;
    }
  }

  /** At the end of the stream: a last line without CRLF counts too. */
  finish(): void {
    if (this.open > MAX_LINE_OCTETS) this.seen = true;
    this.open = 0;
  }
}

/** Whether `data` (whole, CRLF line ends) has a line longer than MAX_LINE_OCTETS. */
export function hasLongLine(data: Buffer): boolean {
  const scanner = new LongLineScanner();
  scanner.scan(data);
  scanner.finish();
  return scanner.found;
}
