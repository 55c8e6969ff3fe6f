/**
 * Where a list's HTML header and footer go in an HTML body, found in one
 * streaming pass over its decoded octets: just after the first <body> start
 * tag, and just before the last </body> end tag. Tags are matched ignoring
 * case, a start tag's attributes may hold quoted ">", and nothing inside an
 * HTML comment counts. The octets are those of an ASCII-compatible charset
 * (the caller converts any other to UTF-8 first), where "<" and tag names
 * are the ASCII octets. Nothing is held but a few octets across chunks.
 */

export interface HtmlAnchors {
  /** The offset just after the first <body ...> start tag; null when there is none. */
  afterBodyStart: number | null;
  /** The offset of the "<" of the last </body>; null when there is none. */
  bodyEnd: number | null;
}

const LT = 0x3c;
const GT = 0x3e;
/** The longest lookahead after "<": "!--", or "/body" and the octet after it. */
const LOOKAHEAD = 6;

type State = { in: 'text' } | { in: 'comment' } | { in: 'body-tag'; quote: number | null };

function isTagEnd(byte: number | undefined): boolean {
  return byte === GT || byte === 0x2f || byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d || byte === 0x0c;
}

/** Whether `text` holds `word` (lower-case ASCII) at `at`, ignoring case. */
function wordAt(text: Buffer, at: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    if (((text[at + i] ?? 0) | 0x20) !== word.charCodeAt(i)) return false;
  }
  return true;
}

export class HtmlAnchorScanner {
  private state: State = { in: 'text' };
  /** Octets not yet decided on, carried into the next chunk (at most a few). */
  private carry: Buffer = Buffer.alloc(0);
  /** The body offset of carry[0]. */
  private base = 0;
  private readonly found: HtmlAnchors = { afterBodyStart: null, bodyEnd: null };

  feed(chunk: Buffer): void {
    const text = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const done = this.scan(text, false);
    this.carry = Buffer.from(text.subarray(done));
    this.base += done;
  }

  end(): HtmlAnchors {
    this.scan(this.carry, true);
    return this.found;
  }

  /** Scans as far as it can decide; returns where it stopped. */
  private scan(text: Buffer, last: boolean): number {
    let at = 0;
    while (at < text.length) {
      const state = this.state;
      if (state.in === 'comment') {
        const close = text.indexOf('-->', at, 'latin1');
        if (close < 0) return last ? text.length : Math.max(at, text.length - 2);
        this.state = { in: 'text' };
        at = close + 3;
      } else if (state.in === 'body-tag') {
        for (; at < text.length; at++) {
          const byte = text[at] as number;
          if (state.quote !== null) {
            if (byte === state.quote) state.quote = null;
          } else if (byte === 0x22 || byte === 0x27) {
            state.quote = byte;
          } else if (byte === GT) {
            this.found.afterBodyStart = this.base + at + 1;
            this.state = { in: 'text' };
            at++;
            break;
          }
        }
      } else {
        const lt = text.indexOf(LT, at);
        if (lt < 0) return text.length;
        if (!last && lt + LOOKAHEAD >= text.length) return lt;
        at = this.tag(text, lt);
      }
    }
    return at;
  }

  /** Reads what starts at "<" (at `lt`); returns where to go on from. */
  private tag(text: Buffer, lt: number): number {
    if (text[lt + 1] === 0x21 && text[lt + 2] === 0x2d && text[lt + 3] === 0x2d) {
      this.state = { in: 'comment' };
      return lt + 4;
    }
    if (this.found.afterBodyStart === null && wordAt(text, lt + 1, 'body') && isTagEnd(text[lt + 5])) {
      this.state = { in: 'body-tag', quote: null };
      return lt + 5;
    }
    if (text[lt + 1] === 0x2f && wordAt(text, lt + 2, 'body') && isTagEnd(text[lt + 6])) {
      this.found.bodyEnd = this.base + lt;
      return lt + 6;
    }
    return lt + 1;
  }
}
