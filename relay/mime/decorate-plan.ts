/**
 * Where a list's header and footer go in a message, as edits for
 * ./apply-edits.ts: the text versions into the first text/plain part, the
 * HTML versions into the first text/html part (after the <body> start tag
 * and before the last </body>; at the start and end of a fragment without
 * them), wherever they sit in multipart/alternative, mixed or related. A
 * part counts only when it is not an attachment (no attachment disposition,
 * no file name) and is not inside multipart/signed or multipart/encrypted.
 * Each part is decoded from its transfer encoding, the additions inserted
 * and the result encoded as it was; a part sent as is stays so unless the
 * additions need 8 bits its 7bit declaration does not allow, or lines over
 * 998 octets, or it is converted to UTF-8 (./charsets.ts): then it goes
 * quoted-printable. Every other part, attachments included, keeps its octets.
 *
 * A message the sender signed (a DKIM-Signature) gets nothing: changing its
 * body would break the signature. Nor does a message too complex to outline.
 */
import { buildHeaderValue, parseHeaderValue } from 'nodemailer/lib/mime-funcs';
import type { Addition } from './body-codecs.js';
import { charsetPlan } from './charsets.js';
import { clientSignatures } from './client-dkim.js';
import { decodedBody, type MessageSource } from './apply-edits.js';
import { HtmlAnchorScanner } from './html-anchors.js';
import { MAX_LINE_OCTETS } from './line-limit.js';
import { headerValue, isRawEncoding, type MessageOutline, type MimePart } from './outline.js';
import { declareEncoding, type BodyEncoding, type Edit } from './reencode-plan.js';

export interface Addend {
  text: string;
  html: string;
}

/** What one message gets: its list's header and footer, each as the list and X-SMTPAPI decided (null: not added). */
export interface MessageAdditions {
  header: Addend | null;
  footer: Addend | null;
}

type Kind = 'text' | 'html';

const CRLF = '\r\n';
const SIGNED_OR_ENCRYPTED = new Set(['multipart/signed', 'multipart/encrypted', 'application/pkcs7-mime']);

const crlf = (text: string) => text.replace(/\r\n|\r|\n/g, CRLF);
/** Text versions are whole lines: the trailing line breaks the admin typed are one. */
const asLines = (text: string) => (text === '' ? '' : `${crlf(text).replace(/(\r\n)+$/, '')}${CRLF}`);

function isAttachment(part: MimePart): boolean {
  const disposition = parseHeaderValue(headerValue(part.headers, 'content-disposition'));
  if (disposition.value.trim().toLowerCase() === 'attachment' || disposition.params.filename) return true;
  return Boolean(parseHeaderValue(headerValue(part.headers, 'content-type')).params.name);
}

/** The first leaf of this type that is the message's own text, in message order. */
function firstText(part: MimePart, type: string): MimePart | null {
  if (SIGNED_OR_ENCRYPTED.has(part.contentType)) return null;
  if (part.children.length === 0) {
    const knownEncoding = isRawEncoding(part.encoding) || part.encoding === 'base64' || part.encoding === 'quoted-printable';
    return part.boundary === null && part.contentType === type && knownEncoding && !isAttachment(part) ? part : null;
  }
  for (const child of part.children) {
    const found = firstText(child, type);
    if (found) return found;
  }
  return null;
}

async function htmlAnchors(source: MessageSource, part: MimePart, from: BodyEncoding, toUtf8From: string | null) {
  const scanner = new HtmlAnchorScanner();
  for await (const chunk of decodedBody(source, part.body, from, toUtf8From)) scanner.feed(chunk);
  return scanner.end();
}

function longestLine(octets: Buffer): number {
  let longest = 0;
  for (const line of octets.toString('latin1').split(CRLF)) longest = Math.max(longest, line.length);
  return longest;
}

/** The part's Content-Type with charset=utf-8 (text/plain when it had none). */
function declareUtf8(part: MimePart): void {
  const declared = part.headers.hasHeader('content-type');
  const parsed = parseHeaderValue(declared ? headerValue(part.headers, 'content-type') : part.contentType);
  const value = buildHeaderValue({ value: parsed.value, params: { ...parsed.params, charset: 'utf-8' } });
  if (declared) part.headers.update('Content-Type', value);
  else part.headers.add('Content-Type', value, part.headers.getList().length);
}

/** The edit that puts the additions into this part, with any header change; null when there is nothing to add or its charset is unknown. */
async function planPart(source: MessageSource, part: MimePart, kind: Kind, additions: MessageAdditions, edits: Edit[]): Promise<void> {
  const head = additions.header?.[kind] ?? '';
  const foot = additions.footer?.[kind] ?? '';
  if (head === '' && foot === '') return;
  const texts = kind === 'text' ? [asLines(head), asLines(foot)] : [crlf(head), crlf(foot)];
  const charset = charsetPlan(parseHeaderValue(headerValue(part.headers, 'content-type')).params.charset ?? '', texts);
  if (charset.kind === 'unknown') return;
  const encode = charset.kind === 'keep' ? charset.encode : (text: string) => Buffer.from(text, 'utf8');
  const toUtf8From = charset.kind === 'to-utf8' ? charset.from : null;
  const from: BodyEncoding = isRawEncoding(part.encoding) ? 'raw' : (part.encoding as BodyEncoding);
  const [headOctets, footOctets] = texts.map(encode) as [Buffer, Buffer];

  let inserted: Addition[];
  if (kind === 'text') {
    inserted = [
      { offset: 0, octets: headOctets },
      { offset: null, octets: footOctets, ownLine: true },
    ];
  } else {
    const anchors = await htmlAnchors(source, part, from, toUtf8From);
    const start = anchors.afterBodyStart ?? 0;
    const end = anchors.bodyEnd !== null && anchors.bodyEnd >= start ? anchors.bodyEnd : null;
    inserted = [
      { offset: start, octets: headOctets },
      { offset: end, octets: footOctets },
    ];
  }

  const bodyAt = edits.findIndex((e) => 'body' in e && e.span.start === part.body.start);
  const existing = edits[bodyAt];
  let to: BodyEncoding = existing && 'body' in existing ? existing.body.to : from;
  let headerChanged = false;
  if (to === 'raw') {
    const eightBit = [headOctets, footOctets].some((octets) => octets.some((byte) => byte >= 0x80));
    const sevenBit = part.encoding === '' || part.encoding === '7bit';
    const long = Math.max(longestLine(headOctets), longestLine(footOctets)) > MAX_LINE_OCTETS;
    if (toUtf8From !== null || (eightBit && sevenBit) || long) {
      to = 'quoted-printable';
      declareEncoding(part, to);
      headerChanged = true;
    }
  }
  if (charset.kind === 'to-utf8') {
    declareUtf8(part);
    headerChanged = true;
  }
  const edit: Edit = { span: part.body, body: { from, to, insert: { toUtf8From, additions: inserted } } };
  if (bodyAt >= 0) edits[bodyAt] = edit;
  else edits.push(edit);
  if (headerChanged) {
    const headerAt = edits.findIndex((e) => 'header' in e && e.span.start === part.header.start);
    const rebuilt: Edit = { span: part.header, header: part.headers.build() };
    if (headerAt >= 0) edits[headerAt] = rebuilt;
    else edits.push(rebuilt);
  }
}

/**
 * The edits that add the message's header and footer, merged into `edits`
 * (a long-line plan's, whose parts' headers it shares), in message order.
 */
export async function planDecoration(outline: MessageOutline, source: MessageSource, additions: MessageAdditions, edits: Edit[]): Promise<Edit[]> {
  const { root } = outline;
  if (outline.overflow || clientSignatures(root.headers).signed) return edits;
  const merged = [...edits];
  for (const kind of ['text', 'html'] as const) {
    const part = firstText(root, kind === 'text' ? 'text/plain' : 'text/html');
    if (part) await planPart(source, part, kind, additions, merged);
  }
  return merged.sort((a, b) => a.span.start - b.span.start);
}
