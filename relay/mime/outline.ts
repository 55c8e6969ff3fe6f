/**
 * The MIME structure of a received message (RFC 2045/2046), read in one
 * streaming pass for the rare message that has a line over 998 octets: where
 * each part's header and body lie, what the header says, and the longest line
 * in each header, leaf body and multipart structure (preamble, delimiter
 * lines, epilogue). Bodies are not kept: a 20 MB message costs the memory of
 * its part headers.
 *
 * mailsplit's Splitter reads the same structure, but it holds each line
 * whole, joining the pieces chunk by chunk: one unbroken 20 MB base64 line
 * (what some apps send) would sit in memory whole, copied over and over. Here
 * a line longer than any delimiter line can be is measured, not kept. Part
 * headers are parsed by mailsplit's Headers and nodemailer's parseHeaderValue;
 * delimiter lines are matched as Python's email parser matches them (the
 * boundary, "--" to close, trailing whitespace, and the boundaries of every
 * enclosing multipart).
 */
import type { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import Headers from 'mailsplit/lib/headers.js';
import { parseHeaderValue } from 'nodemailer/lib/mime-funcs';
import { MAX_LINE_OCTETS } from './line-limit.js';

/** Octets [start, end) of the message. */
export interface Span {
  start: number;
  end: number;
}

export interface MimePart {
  /** IMAP-style ("1", "1.2"); "" for the message itself. */
  number: string;
  parent: MimePart | null;
  /** The header block with the blank line that ends it. */
  header: Span;
  headers: Headers;
  /** Lower-case; text/plain when the part has no Content-Type. */
  contentType: string;
  hasContentType: boolean;
  /** Lower-case Content-Transfer-Encoding; '' when absent. */
  encoding: string;
  /** Set on a multipart part with a boundary, whose children follow. */
  boundary: string | null;
  /** A leaf's content: up to, not including, the CRLF that belongs to the next delimiter line. */
  body: Span;
  /** The longest line, CRLF not counted, of the header, of a leaf's body, and of a multipart's own lines. */
  longest: { header: number; body: number; structure: number };
  /** For a leaf sent as is (no transfer encoding): what quoted-printable would do with its body. */
  text: TextStats;
  children: MimePart[];
}

export interface TextStats {
  octets: number;
  /** Octets quoted-printable writes as =XX. */
  escaped: number;
  /** Octets of 0x80 and above. */
  eightBit: number;
  /** Whether the body is well-formed UTF-8 (tracked only for a part without Content-Type, whose charset is undeclared). */
  utf8: boolean;
}

export interface MessageOutline {
  root: MimePart;
  length: number;
  /** Why the structure could not be followed to the end, if it could not. */
  overflow: 'part-header' | 'parts' | null;
}

/** As mailsplit: a part header beyond this is not a part header. */
export const MAX_PART_HEADER_BYTES = 1024 * 1024;
/** As mailsplit's maxChildNodes: each part keeps its header in memory. */
export const MAX_PARTS = 1000;
/** A delimiter line ("--" + a boundary of at most 70 + "--") is far shorter; longer lines are measured, not kept. */
const KEEP_BYTES = MAX_LINE_OCTETS + 2;
const LF = 0x0a;
const CR = 0x0d;
const DASH = 0x2d;
const RAW_ENCODINGS = new Set(['', '7bit', '8bit', 'binary']);

/** Whether a Content-Transfer-Encoding means the body is sent as it is. */
export const isRawEncoding = (encoding: string): boolean => RAW_ENCODINGS.has(encoding);

/** 1 for octets quoted-printable writes as they are (RFC 2045 §6.7). */
const QP_LITERAL = new Uint8Array(256).map((_, byte) => (byte === 0x09 || byte === 0x0a || byte === 0x0d || (byte >= 0x20 && byte <= 0x7e && byte !== 0x3d) ? 1 : 0));

function newPart(number: string, parent: MimePart | null, start: number): MimePart {
  return {
    number,
    parent,
    header: { start, end: start },
    headers: new Headers(''),
    contentType: 'text/plain',
    hasContentType: false,
    encoding: '',
    boundary: null,
    body: { start, end: start },
    longest: { header: 0, body: 0, structure: 0 },
    text: { octets: 0, escaped: 0, eightBit: 0, utf8: true },
    children: [],
  };
}

/** A header field's value as written, unfolded; '' when the field is absent. */
export function headerValue(headers: Headers, key: string): string {
  const line = headers.get(key)[0];
  return line === undefined ? '' : line.slice(line.indexOf(':') + 1).replace(/\r\n/g, '');
}

/** Reads the part's header block into its fields. */
function readPartHeader(part: MimePart, block: Buffer): void {
  part.headers = new Headers(block);
  const contentType = headerValue(part.headers, 'content-type');
  part.hasContentType = contentType.trim() !== '';
  const parsed = parseHeaderValue(contentType, { stripComments: true });
  part.contentType = parsed.value.trim().toLowerCase() || 'text/plain';
  part.encoding = headerValue(part.headers, 'content-transfer-encoding').replace(/\(.*?\)/g, '').trim().toLowerCase();
  const boundary = parsed.params.boundary;
  if (part.contentType.startsWith('multipart/') && boundary) part.boundary = boundary;
}

type State = { in: 'header'; part: MimePart; block: Buffer[]; size: number } | { in: 'body'; part: MimePart } | { in: 'structure'; part: MimePart };

/** The structure read so far; feed() the message in chunks, then end(). */
export class OutlineReader {
  private readonly root = newPart('', null, 0);
  private state: State = { in: 'header', part: this.root, block: [], size: 0 };
  /** Multiparts whose delimiter lines are being looked for, outermost first. */
  private readonly open: MimePart[] = [];
  private parts = 1;
  private overflow: MessageOutline['overflow'] = null;
  private offset = 0;
  private lineStart = 0;
  private lineKept: Buffer[] = [];
  private keptBytes = 0;
  /** The last octet taken, for a CR in one chunk whose LF starts the next. */
  private lastByte = -1;
  private utf8: TextDecoder | null = null;

  feed(chunk: Buffer): void {
    let from = 0;
    while (from < chunk.length && this.overflow === null) {
      const lf = chunk.indexOf(LF, from);
      const end = lf < 0 ? chunk.length : lf + 1;
      const beforeLf = lf > from ? chunk[lf - 1] : this.lastByte;
      this.take(chunk.subarray(from, end));
      if (lf >= 0) this.endLine(beforeLf === CR ? 2 : 1);
      from = end;
    }
  }

  end(): MessageOutline {
    if (this.offset > this.lineStart) this.endLine(0);
    const state = this.state;
    if (state.in === 'header') this.endHeader(state, this.offset);
    else if (state.in === 'body') this.endBody(state.part, this.offset);
    return { root: this.root, length: this.offset, overflow: this.overflow };
  }

  private take(piece: Buffer): void {
    this.offset += piece.length;
    this.lastByte = piece[piece.length - 1] ?? -1;
    const state = this.state;
    if (state.in === 'body' && isRawEncoding(state.part.encoding)) this.countText(state.part, piece);
    const keep = state.in === 'header' ? piece.length : Math.min(piece.length, KEEP_BYTES - this.keptBytes);
    // A header line is kept whole, so its size is bounded as it comes, not only once it ends.
    if (state.in === 'header' && state.size + this.keptBytes + keep > MAX_PART_HEADER_BYTES) this.overflow = 'part-header';
    else if (keep > 0) {
      this.lineKept.push(keep === piece.length ? piece : piece.subarray(0, keep));
      this.keptBytes += keep;
    }
  }

  private countText(part: MimePart, piece: Buffer): void {
    const text = part.text;
    text.octets += piece.length;
    for (let i = 0; i < piece.length; i++) {
      const byte = piece[i] as number;
      if (QP_LITERAL[byte] === 0) text.escaped++;
      if (byte >= 0x80) text.eightBit++;
    }
    if (this.utf8 && text.utf8) {
      try {
        this.utf8.decode(piece, { stream: true });
      } catch {
        text.utf8 = false;
      }
    }
  }

  /** `ending`: the octets of its CRLF (or bare LF, or none at the end of the message). */
  private endLine(ending: number): void {
    const start = this.lineStart;
    const octets = this.offset - start - ending;
    const line = this.lineKept.length === 1 ? (this.lineKept[0] as Buffer) : Buffer.concat(this.lineKept);
    this.lineStart = this.offset;
    this.lineKept = [];
    this.keptBytes = 0;
    if (this.delimiter(line, start, octets)) return;
    const state = this.state;
    if (state.in === 'body') state.part.longest.body = Math.max(state.part.longest.body, octets);
    else if (state.in === 'structure') state.part.longest.structure = Math.max(state.part.longest.structure, octets);
    else {
      state.part.longest.header = Math.max(state.part.longest.header, octets);
      state.block.push(line);
      state.size += line.length;
      if (octets === 0) this.endHeader(state, this.offset);
    }
  }

  /** Handles a delimiter line of an open multipart; false for any other line. */
  private delimiter(line: Buffer, start: number, octets: number): boolean {
    if (this.open.length === 0 || line[0] !== DASH || line[1] !== DASH || octets > KEEP_BYTES) return false;
    const text = line.toString('latin1').replace(/[ \t]*\r?\n?$/, '');
    for (let depth = this.open.length - 1; depth >= 0; depth--) {
      const multipart = this.open[depth] as MimePart;
      const close = text === `--${multipart.boundary ?? ''}--`;
      if (!close && text !== `--${multipart.boundary ?? ''}`) continue;
      const state = this.state;
      if (state.in === 'header') this.endHeader(state, start);
      // The CRLF before a delimiter line belongs to the delimiter (RFC 2046 §5.1.1).
      else if (state.in === 'body') this.endBody(state.part, Math.max(state.part.body.start, start - 2));
      // A delimiter of an enclosing multipart ends every multipart inside it.
      this.open.length = depth + 1;
      multipart.longest.structure = Math.max(multipart.longest.structure, octets);
      if (close) {
        this.open.pop();
        this.state = { in: 'structure', part: multipart };
      } else if (++this.parts > MAX_PARTS) {
        this.overflow = 'parts';
      } else {
        const prefix = multipart.number === '' ? '' : `${multipart.number}.`;
        const child = newPart(`${prefix}${multipart.children.length + 1}`, multipart, this.offset);
        multipart.children.push(child);
        this.state = { in: 'header', part: child, block: [], size: 0 };
      }
      return true;
    }
    return false;
  }

  private endHeader(state: Extract<State, { in: 'header' }>, end: number): void {
    const { part } = state;
    part.header.end = end;
    readPartHeader(part, Buffer.concat(state.block));
    part.body = { start: end, end };
    if (part.boundary !== null) {
      this.open.push(part);
      this.state = { in: 'structure', part };
      return;
    }
    this.utf8 = part.hasContentType ? null : new TextDecoder('utf-8', { fatal: true });
    this.state = { in: 'body', part };
  }

  private endBody(part: MimePart, end: number): void {
    part.body.end = end;
    if (this.utf8 && part.text.utf8) {
      try {
        this.utf8.decode();
      } catch {
        part.text.utf8 = false;
      }
    }
    this.utf8 = null;
  }
}

/** Reads the whole message. */
export async function outlineOf(message: Readable): Promise<MessageOutline> {
  const reader = new OutlineReader();
  for await (const chunk of message) reader.feed(chunk as Buffer);
  return reader.end();
}
