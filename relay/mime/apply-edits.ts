/**
 * A message with a plan's edits applied, as a stream: the octets between
 * edits are read from the source as they are, a header edit is written in
 * place, a body edit streams its span through a decoder, the inserter of a
 * list's header and footer where it has one, and nodemailer's
 * quoted-printable or base64 encoder (76-character lines). Nothing is held
 * whole, whatever the size of the message or of one of its lines.
 */
import { pipeline, type Readable, type Transform } from 'node:stream';
import { Encoder as Base64Encoder } from 'nodemailer/lib/base64';
import { Encoder as QpEncoder } from 'nodemailer/lib/qp';
import { Base64Decoder, ENCODED_LINE, Inserter, QpDecoder, QpRewrap, ToUtf8 } from './body-codecs.js';
import type { Span } from './outline.js';
import type { BodyEncoding, Edit } from './reencode-plan.js';

type BodyEdit = Extract<Edit, { body: unknown }>;

const CRLF = Buffer.from('\r\n');

export interface MessageSource {
  readonly length: number;
  /** Octets [start, end) of the message. */
  read(start: number, end: number): Readable;
}

function decoderFor(from: BodyEncoding): Transform[] {
  if (from === 'base64') return [new Base64Decoder()];
  if (from === 'quoted-printable') return [new QpDecoder()];
  return [];
}

function encoderFor(to: BodyEncoding): Transform[] {
  if (to === 'base64') return [new Base64Encoder({ lineLength: ENCODED_LINE })];
  if (to === 'quoted-printable') return [new QpEncoder({ lineLength: ENCODED_LINE, binary: true })];
  return [];
}

function transformsFor({ from, to, insert }: BodyEdit['body']): Transform[] {
  // Quoted-printable that only needs shorter lines is re-wrapped, never decoded.
  if (!insert && from === 'quoted-printable' && to === from) return [new QpRewrap()];
  const inserting = insert ? [...(insert.toUtf8From === null ? [] : [new ToUtf8(insert.toUtf8From)]), new Inserter(insert.additions)] : [];
  return [...decoderFor(from), ...inserting, ...encoderFor(to)];
}

/** A span's octets through these transforms, as a stream of chunks. */
async function* through(source: MessageSource, span: Span, transforms: Transform[]): AsyncGenerator<Buffer> {
  if (transforms.length === 0) {
    yield* source.read(span.start, span.end) as AsyncIterable<Buffer>;
    return;
  }
  const last = transforms[transforms.length - 1] as Transform;
  // pipeline() destroys every stream with the first error, so the loop below sees it on the last one.
  pipeline([source.read(span.start, span.end), ...transforms], () => undefined);
  for await (const chunk of last) yield chunk as Buffer;
}

/** A part's body decoded from its transfer encoding (and converted to UTF-8 from `toUtf8From`, if set). */
export function decodedBody(source: MessageSource, span: Span, from: BodyEncoding, toUtf8From: string | null): AsyncGenerator<Buffer> {
  return through(source, span, [...decoderFor(from), ...(toUtf8From === null ? [] : [new ToUtf8(toUtf8From)])]);
}

async function* encodedBody(source: MessageSource, edit: BodyEdit): AsyncGenerator<Buffer> {
  const { span, body } = edit;
  let last = -1;
  for await (const bytes of through(source, span, transformsFor(body))) {
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
