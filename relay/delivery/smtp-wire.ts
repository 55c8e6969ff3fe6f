/**
 * The byte-level parts of the relay's SMTP client, kept apart from sockets so
 * they can be tested on their own: reading replies (multi-line ones, several
 * pipelined ones in one packet or one split over packets) and encoding a
 * message for DATA (CRLF line endings, dot-stuffing, the final dot).
 *
 * The encoder works with native Buffer searches, one step per line at most,
 * rather than a JavaScript loop over every byte: messages from the spool are
 * CRLF already, so the common case is a few `indexOf` calls per chunk.
 */
import { normalizeLineEndings } from '../session/message-stream.js';

const LF = 0x0a;
const DOT = 0x2e;
const LF_DOT = Buffer.from('\n.');
const DOT_BUF = Buffer.from('.');
const CRLF = Buffer.from('\r\n');
const END_AFTER_LINE = Buffer.from('.\r\n');
const END_MID_LINE = Buffer.from('\r\n.\r\n');

export interface Reply {
  code: number;
  /** Every line of the reply as the server wrote it (code included), joined by "\n". */
  text: string;
}

/** A server line longer than this is not SMTP; the connection is dropped rather than buffered without end. */
const MAX_REPLY_BYTES = 64 * 1024;

/** Splits the server's byte stream into replies; a reply ends at a line whose code is followed by a space (RFC 5321 §4.2.1). */
export class ReplyParser {
  private partial = '';
  private lines: string[] = [];

  /** Returns the replies completed by this chunk, in order. */
  feed(chunk: Buffer): Reply[] {
    const replies: Reply[] = [];
    let text = this.partial + chunk.toString('latin1');
    let end = text.indexOf('\n');
    while (end >= 0) {
      const line = text.slice(0, end).replace(/\r$/, '');
      text = text.slice(end + 1);
      end = text.indexOf('\n');
      this.lines.push(line);
      if (line.length >= 4 && line[3] === '-') continue;
      const code = Number(line.slice(0, 3));
      const all = this.lines.join('\n');
      this.lines = [];
      replies.push({ code: /^\d{3}$/.test(line.slice(0, 3)) ? code : 0, text: Buffer.from(all, 'latin1').toString('utf8') });
    }
    this.partial = text;
    if (this.partial.length > MAX_REPLY_BYTES || this.lines.length > 1000) throw new Error('the server sent a reply line too long to be SMTP');
    return replies;
  }
}

/**
 * Turns a message into DATA bytes: bare CR and LF become CRLF (so no `\n.\n`
 * or `\r.\r` can end the message early upstream: SMTP smuggling), a dot that
 * starts a line is doubled (RFC 5321 §4.5.2), and end() gives the terminator.
 */
export class DataEncoder {
  private pendingCr = false;
  private atLineStart = true;

  hasPendingCr(): boolean {
    return this.pendingCr;
  }

  setPendingCr(value: boolean): void {
    this.pendingCr = value;
  }

  /** The bytes to send for this chunk, as pieces (no copy unless a dot must be doubled). */
  encode(chunk: Buffer): Buffer[] {
    const input = normalizeLineEndings(chunk, this);
    if (input.length === 0) return [];
    const parts: Buffer[] = [];
    let start = 0;
    if (this.atLineStart && input[0] === DOT) parts.push(DOT_BUF);
    for (let i = input.indexOf(LF_DOT); i >= 0; i = input.indexOf(LF_DOT, i + 1)) {
      parts.push(input.subarray(start, i + 1), DOT_BUF);
      start = i + 1;
    }
    parts.push(start === 0 ? input : input.subarray(start));
    this.atLineStart = input[input.length - 1] === LF;
    return parts;
  }

  /** What ends the DATA: a held CR completes its line, and the line with the single dot follows. */
  end(): Buffer {
    if (this.pendingCr) {
      this.pendingCr = false;
      return Buffer.concat([CRLF, END_AFTER_LINE]);
    }
    return this.atLineStart ? END_AFTER_LINE : END_MID_LINE;
  }
}

/** A whole message as DATA bytes, terminator included. */
export function encodeData(message: Buffer): Buffer[] {
  const encoder = new DataEncoder();
  return [...encoder.encode(message), encoder.end()];
}
