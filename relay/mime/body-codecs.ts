/**
 * Streams that take a part's body apart and put it back together, chunk by
 * chunk, whatever its size or the length of its lines: transfer decoders
 * (base64, quoted-printable through libqp), a quoted-printable re-wrapper,
 * a charset converter to UTF-8 (iconv-lite), and the inserter that adds a
 * list's header and footer at given offsets of the decoded body.
 */
import { Transform, type TransformCallback } from 'node:stream';
import iconv from 'iconv-lite';
import libqp from 'libqp';
import { wrap as qpWrap } from 'nodemailer/lib/qp';

/** RFC 2045 §6.7 and §6.8: encoded lines are at most 76 characters. */
export const ENCODED_LINE = 76;
const LF = 0x0a;
const CRLF = Buffer.from('\r\n');

/**
 * Base64 to octets, four characters at a time across chunks. Decoding stops
 * at the first padded group, as Node's and Python's decoders do on a whole
 * body, so the octets are the same however the body was cut into chunks.
 */
export class Base64Decoder extends Transform {
  private rest = '';
  private ended = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (!this.ended) this.decode(this.rest + chunk.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''));
    done();
  }

  override _flush(done: TransformCallback): void {
    if (!this.ended && this.rest) this.push(Buffer.from(this.rest, 'base64'));
    done();
  }

  private decode(text: string): void {
    const pad = text.indexOf('=');
    const padGroupEnd = pad - (pad % 4) + 4;
    let whole: number;
    if (pad >= 0 && padGroupEnd <= text.length) {
      whole = padGroupEnd;
      this.ended = true;
    } else {
      whole = pad >= 0 ? pad - (pad % 4) : text.length - (text.length % 4);
    }
    this.rest = this.ended ? '' : text.slice(whole);
    if (whole > 0) this.push(Buffer.from(text.slice(0, whole), 'base64'));
  }
}

/** Past this, a quoted-printable line with no end in sight is decoded in pieces. */
const QP_PIECE = 64 * 1024;

/**
 * Quoted-printable to octets with libqp's decoder, fed whole lines (its own
 * stream holds the entire body until the end). A line longer than QP_PIECE
 * is cut where no escape, soft break or trailing whitespace can straddle the
 * cut.
 */
export class QpDecoder extends Transform {
  private rest = '';

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const text = this.rest + chunk.toString('latin1');
    let cut = text.lastIndexOf('\n') + 1;
    if (cut === 0 && text.length > QP_PIECE) cut = safeCut(text);
    this.rest = text.slice(cut);
    if (cut > 0) this.push(libqp.decode(text.slice(0, cut)));
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.rest) this.push(libqp.decode(this.rest));
    done();
  }
}

/** The end of the text, less a trailing "=", "=X" and any whitespace before them. */
function safeCut(text: string): number {
  let cut = text.length;
  const equals = text.lastIndexOf('=');
  if (equals >= cut - 2) cut = equals;
  while (cut > 0 && (text[cut - 1] === ' ' || text[cut - 1] === '\t')) cut--;
  return cut;
}

/**
 * Quoted-printable with long lines given soft line breaks ("=" CRLF), which
 * a decoder removes: the decoded octets stay the same without decoding. The
 * last line of each chunk waits for the next, as in nodemailer's encoder.
 */
export class QpRewrap extends Transform {
  private tail = '';

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const text = qpWrap(this.tail + chunk.toString('latin1'), ENCODED_LINE);
    const lastLf = text.lastIndexOf('\n');
    this.tail = text.slice(lastLf + 1);
    if (lastLf >= 0) this.push(Buffer.from(text.slice(0, lastLf + 1), 'latin1'));
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.tail) this.push(Buffer.from(this.tail, 'latin1'));
    done();
  }
}

/** Text in a charset iconv-lite knows, as UTF-8; a sequence split between chunks is completed by the next. */
export class ToUtf8 extends Transform {
  private readonly decoder;

  constructor(charset: string) {
    super();
    this.decoder = iconv.getDecoder(charset);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const text = this.decoder.write(chunk);
    if (text) this.push(Buffer.from(text, 'utf8'));
    done();
  }

  override _flush(done: TransformCallback): void {
    const text = this.decoder.end();
    if (text) this.push(Buffer.from(text, 'utf8'));
    done();
  }
}

export interface Addition {
  /** Where in the decoded body, in octets; null: at its end. */
  offset: number | null;
  octets: Buffer;
  /** Starts on a line of its own: a line break first unless the body so far is empty or ends with one. */
  ownLine?: boolean;
}

/** The body with octets added at offsets (in order); what lies between them passes as it came. */
export class Inserter extends Transform {
  private at = 0;
  private last = -1;
  private next = 0;

  constructor(private readonly additions: readonly Addition[]) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let from = 0;
    for (let addition = this.additions[this.next]; addition?.offset != null && addition.offset < this.at + chunk.length; addition = this.additions[this.next]) {
      const split = Math.max(addition.offset - this.at, from);
      this.pass(chunk.subarray(from, split));
      this.add(addition);
      from = split;
    }
    this.pass(chunk.subarray(from));
    this.at += chunk.length;
    done();
  }

  override _flush(done: TransformCallback): void {
    for (let addition = this.additions[this.next]; addition; addition = this.additions[this.next]) this.add(addition);
    done();
  }

  private pass(octets: Buffer): void {
    if (octets.length === 0) return;
    this.last = octets[octets.length - 1] as number;
    this.push(octets);
  }

  private add(addition: Addition): void {
    this.next++;
    if (addition.ownLine && this.last !== -1 && this.last !== LF) this.pass(CRLF);
    this.pass(addition.octets);
  }
}
