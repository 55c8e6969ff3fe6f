/**
 * A message with a plan's edits applied, as a stream: the octets between
 * edits are read from the source as they are, a header edit is written in
 * place, a body edit streams its span through a decoder and nodemailer's
 * quoted-printable or base64 encoder (76-character lines). Nothing is held
 * whole, whatever the size of the message or of one of its lines.
 */
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import { Encoder as Base64Encoder } from 'nodemailer/lib/base64';
import { Encoder as QpEncoder, wrap as qpWrap } from 'nodemailer/lib/qp';
import type { Edit, TransferEncoding } from './reencode-plan.js';

/** RFC 2045 §6.7 and §6.8: encoded lines are at most 76 characters. */
const ENCODED_LINE = 76;
const CRLF = Buffer.from('\r\n');

export interface MessageSource {
  readonly length: number;
  /** Octets [start, end) of the message. */
  read(start: number, end: number): Readable;
}

/**
 * Base64 to octets, four characters at a time across chunks. Decoding stops
 * at the first padded group, as Node's and Python's decoders do on a whole
 * body, so the octets are the same however the body was cut into chunks.
 */
class Base64Decoder extends Transform {
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

/**
 * Quoted-printable with long lines given soft line breaks ("=" CRLF), which
 * a decoder removes: the decoded octets stay the same without decoding. The
 * last line of each chunk waits for the next, as in nodemailer's encoder.
 */
class QpRewrap extends Transform {
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

function transformsFor(from: 'raw' | TransferEncoding, to: TransferEncoding): Transform[] {
  if (from === 'quoted-printable') return [new QpRewrap()];
  const encoder = to === 'base64' ? new Base64Encoder({ lineLength: ENCODED_LINE }) : new QpEncoder({ lineLength: ENCODED_LINE, binary: true });
  return from === 'base64' ? [new Base64Decoder(), encoder] : [encoder];
}

async function* encodedBody(source: MessageSource, edit: Extract<Edit, { body: unknown }>): AsyncGenerator<Buffer> {
  const { span, body } = edit;
  const transforms = transformsFor(body.from, body.to);
  const encoded = transforms[transforms.length - 1] as Transform;
  // pipeline() destroys every stream with the first error, so the loop below sees it on the last one.
  pipeline([source.read(span.start, span.end), ...transforms], () => undefined);
  let last = -1;
  for await (const chunk of encoded) {
    const bytes = chunk as Buffer;
    if (bytes.length > 0) last = bytes[bytes.length - 1] as number;
    yield bytes;
  }
  // The message's last line ends with CRLF, as it did before.
  if (span.end === source.length && last !== 0x0a) yield CRLF;
}

/** The message with `edits` (in message order, not overlapping) applied. */
export async function* applyEdits(source: MessageSource, edits: Edit[]): AsyncGenerator<Buffer> {
  let at = 0;
  for (const edit of edits) {
    if (edit.span.start > at) yield* source.read(at, edit.span.start) as AsyncIterable<Buffer>;
    if ('header' in edit) yield edit.header;
    else yield* encodedBody(source, edit);
    at = edit.span.end;
  }
  if (at < source.length) yield* source.read(at, source.length) as AsyncIterable<Buffer>;
}
