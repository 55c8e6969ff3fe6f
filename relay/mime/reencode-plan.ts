/**
 * What to change so that no line of a message is over 998 octets, as MTAs
 * that convert for a strict next hop do it (Sendmail's 8-bit to 7-bit MIME
 * conversion, Oracle Messaging Server's linelength): a body part with a
 * long line gets a transfer encoding whose lines are short, chosen by what
 * it holds, and decodes to the same octets; a part header is folded. Only
 * the parts with long lines change; everything else stays byte for byte.
 *
 * Where that cannot be done without changing what the message says, the plan
 * names the problem instead: the sender's DKIM signature or a multipart/signed
 * part (re-encoding breaks the signature), a message/* or multipart/* body
 * (RFC 2046 §5: always 7bit, 8bit or binary), a long delimiter, preamble or
 * epilogue line, a header field with nowhere to fold, an unknown encoding.
 */
import type Headers from 'mailsplit/lib/headers.js';
import type { Addition } from './body-codecs.js';
import { clientSignatures, type ClientSignatures } from './client-dkim.js';
import { foldLongHeaders } from './fold-header.js';
import { MAX_LINE_OCTETS } from './line-limit.js';
import { isRawEncoding, type MessageOutline, type MimePart, type Span } from './outline.js';

export type TransferEncoding = 'quoted-printable' | 'base64';
/** 'raw': sent as it is (no transfer encoding, 7bit, 8bit, binary). */
export type BodyEncoding = 'raw' | TransferEncoding;

/** Octets added to a part's decoded body (./decorate-plan.ts: a list's header and footer). */
export interface Insertion {
  /** The decoded body is converted from this charset to UTF-8 before the additions go in; null: kept as it is. */
  toUtf8From: string | null;
  additions: Addition[];
}

export type Edit =
  /** The span is replaced by these octets. */
  | { span: Span; header: Buffer }
  /** The span is decoded from `from` and encoded as `to`, with octets inserted on the way when `insert` says so. */
  | { span: Span; body: { from: BodyEncoding; to: BodyEncoding; insert?: Insertion } };

export type LongLineReason =
  | 'sender-dkim'
  | 'signed-part'
  | 'unfoldable-header'
  | 'not-reencodable'
  | 'unknown-encoding'
  | 'structure'
  | 'too-complex';

export interface LongLineProblem {
  reason: LongLineReason;
  /** The part's number, '' for the message itself. */
  part: string;
  contentType: string;
  area: 'header' | 'body' | 'structure';
  octets: number;
  /** The header field, for an unfoldable one; the transfer encoding, for an unknown one. */
  detail?: string;
}

export type RewritePlan = { ok: true; edits: Edit[] } | { ok: false; problem: LongLineProblem };

/** Part headers are the sender's to sign only through the message's DKIM signature, checked before. */
const UNSIGNED: ClientSignatures = { signed: false, mayFold: () => true, mayReencode: () => true };

function* partsOf(part: MimePart): Generator<MimePart> {
  yield part;
  for (const child of part.children) yield* partsOf(child);
}

/** The first of a part's own areas with a long line. */
function longArea(part: MimePart): { area: LongLineProblem['area']; octets: number } | null {
  for (const area of ['header', 'structure', 'body'] as const) {
    if (part.longest[area] > MAX_LINE_OCTETS) return { area, octets: part.longest[area] };
  }
  return null;
}

function insideSigned(part: MimePart): boolean {
  for (let p: MimePart | null = part; p; p = p.parent) if (p.contentType === 'multipart/signed') return true;
  return false;
}

/**
 * Quoted-printable for text that stays mostly readable, base64 for the rest,
 * by Sendmail's rule for its 8-bit to 7-bit conversion: base64 once more than
 * an eighth of the octets would need escaping (QP writes each in 3 characters,
 * base64 every 3 octets in 4).
 */
function targetFor(part: MimePart): { from: 'raw' | TransferEncoding; to: TransferEncoding } | LongLineReason {
  if (part.contentType.startsWith('multipart/') || part.contentType.startsWith('message/')) return 'not-reencodable';
  if (part.encoding === 'base64' || part.encoding === 'quoted-printable') return { from: part.encoding, to: part.encoding };
  if (!isRawEncoding(part.encoding)) return 'unknown-encoding';
  const readable = part.contentType.startsWith('text/') && part.text.escaped * 8 <= part.text.octets;
  return { from: 'raw', to: readable ? 'quoted-printable' : 'base64' };
}

/** The header a raw part needs once encoded: its new transfer encoding, and what a part without MIME headers lacked. */
export function declareEncoding(part: MimePart, to: TransferEncoding): void {
  const { headers } = part;
  const atEnd = () => headers.getList().length;
  if (part.parent === null && !headers.hasHeader('mime-version')) headers.add('MIME-Version', '1.0', atEnd());
  if (!part.hasContentType) {
    // The charset was never declared: say UTF-8 only where the octets are UTF-8, and claim nothing for other 8-bit text.
    const charset = part.text.eightBit === 0 ? '; charset=us-ascii' : part.text.utf8 ? '; charset=utf-8' : '';
    headers.add('Content-Type', `text/plain${charset}`, atEnd());
  }
  if (headers.hasHeader('content-transfer-encoding')) headers.update('Content-Transfer-Encoding', to);
  else headers.add('Content-Transfer-Encoding', to, atEnd());
}

function planPart(part: MimePart, signatures: ClientSignatures, edits: Edit[]): LongLineProblem | null {
  const long = longArea(part);
  if (!long) return null;
  const at = { part: part.number, contentType: part.contentType, ...long };
  if (signatures.signed) return { ...at, reason: 'sender-dkim' };
  if (insideSigned(part)) return { ...at, reason: 'signed-part' };
  let headerChanged = false;
  if (part.longest.header > MAX_LINE_OCTETS) {
    const folded = foldLongHeaders(part.headers, UNSIGNED);
    if (!folded.ok) return { ...at, area: 'header', octets: folded.octets, reason: 'unfoldable-header', detail: folded.field };
    headerChanged = true;
  }
  if (part.longest.structure > MAX_LINE_OCTETS) return { ...at, area: 'structure', octets: part.longest.structure, reason: 'structure' };
  const target = part.longest.body > MAX_LINE_OCTETS ? targetFor(part) : null;
  if (typeof target === 'string') return { ...at, area: 'body', octets: part.longest.body, reason: target, detail: part.encoding };
  if (target?.from === 'raw') {
    declareEncoding(part, target.to);
    headerChanged = true;
  }
  if (headerChanged) edits.push({ span: part.header, header: part.headers.build() });
  if (target) edits.push({ span: part.body, body: target });
  return null;
}

/** The edits, in message order, that leave no line over 998 octets; or why there are none. */
export function planRewrite(outline: MessageOutline): RewritePlan {
  const { root } = outline;
  if (outline.overflow) {
    return { ok: false, problem: { reason: 'too-complex', part: '', contentType: root.contentType, area: 'structure', octets: 0, detail: outline.overflow } };
  }
  const signatures = clientSignatures(root.headers);
  const edits: Edit[] = [];
  for (const part of partsOf(root)) {
    const problem = planPart(part, signatures, edits);
    if (problem) return { ok: false, problem };
  }
  return { ok: true, edits };
}

/**
 * The message's own header, folded where a line is over 998 octets while it
 * is received (it is in memory then); or why it cannot be.
 */
export function foldMessageHeader(headers: Headers): LongLineProblem | null {
  const folded = foldLongHeaders(headers, clientSignatures(headers));
  if (folded.ok) return null;
  return { reason: folded.signed ? 'sender-dkim' : 'unfoldable-header', part: '', contentType: '', area: 'header', octets: folded.octets, detail: folded.field };
}
