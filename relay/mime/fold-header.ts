/**
 * Header fields with a line over 998 octets, made legal without changing what
 * they say: folded at whitespace (RFC 5322 §2.2.3: a CRLF before a space or
 * tab, which a reader removes by unfolding) and, for a free-text field whose
 * text has a run too long to fold, re-encoded as RFC 2047 encoded-words,
 * which a reader decodes back to the same text. A structured field (an
 * address, a Content-Type parameter, a token) with such a run cannot be
 * rewritten without changing it: that is left to the caller to refuse.
 *
 * Lines are mailsplit's: 'binary' strings, one character per octet, folds as
 * CRLF + whitespace. Only space and tab are fold points (libmime's foldLines
 * also breaks before octets such as 0xA0, which is part of UTF-8 text).
 */
import { isUtf8 } from 'node:buffer';
import libmime from 'libmime';
import type Headers from 'mailsplit/lib/headers.js';
import { encodeWord } from 'nodemailer/lib/mime-funcs';
import type { ClientSignatures } from './client-dkim.js';
import { MAX_LINE_OCTETS } from './line-limit.js';

/** RFC 5322's recommended line length: where a fold is needed anyway, lines are cut near it. */
const FOLD_TARGET = 78;
/** Fields whose body is free text, where a reader decodes encoded-words (RFC 5322 §3.6.5, RFC 2045 §8). */
const FREE_TEXT = new Set(['subject', 'comments', 'content-description']);
/** RFC 2047 §2: an encoded-word is at most 75 characters. */
const ENCODED_WORD_MAX = 75;

export type HeaderFold =
  | { ok: true; line: string; changed: boolean }
  /** `octets`: the longest line of the field; `signed`: it could be rewritten, but that would break the sender's DKIM signature. */
  | { ok: false; octets: number; signed: boolean };

const isSpace = (c: number) => c === 0x20 || c === 0x09;

/**
 * Where to cut `text` after `start`: the last whitespace run near
 * FOLD_TARGET, or the first beyond it; -1 if none within reach. A run with
 * nothing after it is no place to cut: the new line would hold only whitespace.
 */
function cutPoint(text: string, start: number, earliest: number): number {
  const reach = Math.min(start + MAX_LINE_OCTETS, text.trimEnd().length - 1);
  let cut = -1;
  for (let i = Math.max(start + 1, earliest); i <= reach; i++) {
    if (!isSpace(text.charCodeAt(i)) || isSpace(text.charCodeAt(i - 1))) continue;
    if (cut < 0 || i <= start + FOLD_TARGET) cut = i;
    if (i > start + FOLD_TARGET) break;
  }
  return cut;
}

/**
 * Cuts one physical line into lines of at most 998 octets (near 78 where
 * whitespace allows), each new one starting with the whitespace it was cut
 * before; null if it has a run with no such place. Cuts come at the start of
 * a whitespace run, so no line is left holding only whitespace; the field's
 * name keeps its first word beside it where the word fits (`valueStart`:
 * where that word may start).
 */
function foldPhysical(text: string, valueStart: number): string[] | null {
  const lines: string[] = [];
  let start = 0;
  // Once a line has to be folded, all of it is folded near FOLD_TARGET, not just its first 998 octets.
  while (text.length - start > FOLD_TARGET) {
    let cut = start === 0 ? cutPoint(text, 0, valueStart + 1) : -1;
    if (cut < 0) cut = cutPoint(text, start, 0);
    if (cut < 0 && text.length - start > MAX_LINE_OCTETS) return null;
    if (cut < 0) break;
    lines.push(text.slice(start, cut));
    start = cut;
  }
  lines.push(text.slice(start));
  return lines;
}

const longestLine = (line: string) => Math.max(...line.split('\r\n').map((l) => l.length));

function folded(line: string): string | null {
  const out: string[] = [];
  // The value starts after the colon and the whitespace that usually follows it.
  const valueStart = /^[^:]*:[ \t]*/.exec(line)?.[0].length ?? 0;
  for (const [index, physical] of line.split('\r\n').entries()) {
    const pieces = physical.length > MAX_LINE_OCTETS ? foldPhysical(physical, index === 0 ? valueStart : 0) : [physical];
    if (!pieces) return null;
    out.push(...pieces);
  }
  return out.join('\r\n');
}

/** A free-text field's text as encoded-words (each a whole number of characters), folded between them; null unless its octets are UTF-8. */
function reencoded(line: string): string | null {
  const colon = line.indexOf(':');
  const raw = Buffer.from(line.slice(colon + 1).replace(/\r\n(?=[ \t])/g, ''), 'latin1');
  if (!isUtf8(raw)) return null;
  const text = libmime.decodeWords(raw.toString('utf8').trim());
  return folded(`${line.slice(0, colon)}: ${encodeWord(text, 'Q', ENCODED_WORD_MAX)}`);
}

/** The field with every line at most 998 octets, or why it cannot be. */
export function foldHeaderLine(line: string, signatures: ClientSignatures): HeaderFold {
  if (line.length <= MAX_LINE_OCTETS) return { ok: true, line, changed: false };
  const octets = longestLine(line);
  if (octets <= MAX_LINE_OCTETS) return { ok: true, line, changed: false };
  const name = line.slice(0, line.indexOf(':')).trim().toLowerCase();
  const byFolding = folded(line);
  if (byFolding !== null) return signatures.mayFold(name) ? { ok: true, line: byFolding, changed: true } : { ok: false, octets, signed: true };
  if (!FREE_TEXT.has(name)) return { ok: false, octets, signed: false };
  if (!signatures.mayReencode(name)) return { ok: false, octets, signed: true };
  const encoded = reencoded(line);
  return encoded === null ? { ok: false, octets, signed: false } : { ok: true, line: encoded, changed: true };
}

export type HeadersFold = { ok: true; changed: boolean } | { ok: false; field: string; octets: number; signed: boolean };

/**
 * Folds every field of `headers` that has a line over the limit, in place
 * and in its place; or names the first one that cannot be. Fields that fit
 * are left byte for byte.
 */
export function foldLongHeaders(headers: Headers, signatures: ClientSignatures): HeadersFold {
  const list = headers.getList();
  const replaced = new Map<number, string>();
  for (const [index, { line }] of list.entries()) {
    const result = foldHeaderLine(line, signatures);
    if (!result.ok) return { ok: false, field: line.slice(0, line.indexOf(':')).trim(), octets: result.octets, signed: result.signed };
    if (result.changed) replaced.set(index, result.line);
  }
  if (replaced.size === 0) return { ok: true, changed: false };
  // mailsplit's Headers can remove a name and insert at an index: every field of a
  // changed name is taken out and put back where it was, in order.
  const keys = new Set([...replaced.keys()].map((index) => list[index]?.key ?? ''));
  const restore = [...list.entries()].filter(([, entry]) => keys.has(entry.key)).map(([index, entry]) => ({ index, key: entry.key, line: replaced.get(index) ?? entry.line }));
  for (const key of keys) headers.remove(key);
  for (const { index, key, line } of restore) headers.addFormatted(key, line, index);
  return { ok: true, changed: true };
}
