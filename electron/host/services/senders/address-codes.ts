/**
 * Verification codes for sender addresses: six digits, mailed to the address,
 * valid for 24 hours and for one use, void after five wrong tries. Only a
 * salted hash is kept (in the vault, as `vaultNames.addressCode(address)`); every
 * function that judges time takes `now`, so expiry is tested without waiting.
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export const CODE_DIGITS = 6;
export const CODE_TTL_MS = 24 * 60 * 60 * 1000;
export const MAX_TRIES = 5;

export const CodeEntrySchema = z.object({
  /** "sha256:<salt base64url>:<digest hex>". */
  hash: z.string(),
  expiresAt: z.string(),
  /** Wrong codes entered so far. */
  tries: z.number().int().nonnegative(),
});
export type CodeEntry = z.infer<typeof CodeEntrySchema>;

function digest(code: string, salt: string): string {
  return createHash('sha256').update(`${salt}:${code}`).digest('hex');
}

export function hashCode(code: string, salt = randomBytes(16).toString('base64url')): string {
  return `sha256:${salt}:${digest(code, salt)}`;
}

function matches(code: string, hash: string): boolean {
  const [scheme, salt, hex] = hash.split(':');
  if (scheme !== 'sha256' || salt === undefined || hex === undefined) return false;
  const expected = Buffer.from(hex, 'hex');
  const actual = Buffer.from(digest(code, salt), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A fresh code and the entry to keep for it. */
export function newCode(now: Date): { code: string; entry: CodeEntry } {
  const code = String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
  return { code, entry: { hash: hashCode(code), expiresAt: new Date(now.getTime() + CODE_TTL_MS).toISOString(), tries: 0 } };
}

/** The entry as stored, or null when it is missing or unreadable (treated as no code). */
export function parseCodeEntry(text: string | null): CodeEntry | null {
  if (text === null) return null;
  try {
    const parsed = CodeEntrySchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** What an admin typed, as digits: spaces and dashes (as in "123 456") are ignored. */
export function normalizeCode(input: string): string | null {
  const digits = input.replace(/[\s-]/g, '');
  return new RegExp(`^\\d{${CODE_DIGITS}}$`).test(digits) ? digits : null;
}

export type CodeCheck =
  | { result: 'ok' }
  /** Not six digits: a typo, not a guess; no try is used. */
  | { result: 'malformed' }
  | { result: 'expired' }
  /** `entry` is the one to keep: one more wrong try counted. */
  | { result: 'wrong'; entry: CodeEntry; triesLeft: number }
  /** The code is void; `entry` is the one to keep (tries at the maximum). */
  | { result: 'too_many_tries'; entry: CodeEntry };

export function checkCode(entry: CodeEntry, input: string, now: Date): CodeCheck {
  if (now.getTime() >= Date.parse(entry.expiresAt)) return { result: 'expired' };
  if (entry.tries >= MAX_TRIES) return { result: 'too_many_tries', entry };
  const code = normalizeCode(input);
  if (code === null) return { result: 'malformed' };
  if (matches(code, entry.hash)) return { result: 'ok' };
  const next = { ...entry, tries: entry.tries + 1 };
  if (next.tries >= MAX_TRIES) return { result: 'too_many_tries', entry: next };
  return { result: 'wrong', entry: next, triesLeft: MAX_TRIES - next.tries };
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 date-time in UTC: "Thu, 26 Nov 2026 09:05:00 +0000". */
export function rfc5322Date(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${DAYS[date.getUTCDay()] ?? ''}, ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()] ?? ''} ${date.getUTCFullYear()} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`
  );
}

/** "26 Nov 2026 09:05 UTC", for people. */
export function humanDate(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()] ?? ''} ${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())} UTC`;
}

export interface CodeMail {
  /** Envelope and header sender (./code-from.ts). */
  from: string;
  to: string;
  code: string;
  /** This machine's name, as mail clients know it. */
  hostname: string;
  now: Date;
}

/** The message that carries a code: plain text, CRLF line endings, lines under 78 characters. */
export function codeMessage(mail: CodeMail): string {
  const expires = new Date(mail.now.getTime() + CODE_TTL_MS);
  const body = [
    'Hello,',
    '',
    `${mail.to} was added as a sender address in Relay Desk,`,
    `the mail relay on ${mail.hostname}. To confirm that this address`,
    'may send mail through it, enter this code in Relay Desk:',
    '',
    `    ${mail.code}`,
    '',
    `The code is valid for 24 hours (until ${humanDate(expires)})`,
    'and can be used once.',
    '',
    'If you did not expect this message, you can ignore it: without the',
    'code, this address cannot send mail through Relay Desk.',
    '',
    '-- ',
    `Relay Desk on ${mail.hostname}`,
  ];
  const nonAscii = /[^ -~]/.test(body.join(''));
  const headers = [
    `Date: ${rfc5322Date(mail.now)}`,
    `From: Relay Desk <${mail.from}>`,
    `To: <${mail.to}>`,
    'Subject: Your Relay Desk verification code',
    `Message-ID: <${randomBytes(12).toString('hex')}.${mail.now.getTime()}@${mail.from.slice(mail.from.lastIndexOf('@') + 1)}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Transfer-Encoding: ${nonAscii ? '8bit' : '7bit'}`,
    // RFC 3834: a machine wrote this; auto-responders must not answer it.
    'Auto-Submitted: auto-generated',
  ];
  return `${headers.join('\r\n')}\r\n\r\n${body.join('\r\n')}\r\n`;
}
