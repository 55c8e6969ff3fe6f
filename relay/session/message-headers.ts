/**
 * What the relay reads from and writes into a message's header block:
 * the From and Sender mailboxes for the sender policy (read strictly, by
 * ./sender-fields.ts), the subject, and the X-SMTPAPI instructions (campaign,
 * header and footer; that header is for us and is removed), and the headers
 * every relayed message gets: Received, X-Priority and Importance from the user's
 * priority, Message-ID and Date when the client left them out.
 */
import libmime from 'libmime';
import type Headers from 'mailsplit/lib/headers.js';
import { splitAddress } from '../shared/sender-policy.js';
import { readSenderFields, type SenderFields } from './sender-fields.js';
import { readSmtpApi, type SmtpApiReading } from './smtpapi.js';

export interface InspectedHeaders {
  /** The From and Sender fields read strictly, or why they cannot be trusted. */
  senders: SenderFields;
  /** The address of every From mailbox; empty when the fields were refused. */
  from: string[];
  /** The Sender mailbox's address, if there is one and the fields were not refused. */
  sender: string[];
  /** The first From header as written, for display. */
  fromText: string;
  /** The display name of the first From mailbox, decoded ('' when it has none or the fields were refused). */
  fromName: string;
  subject: string;
  /** The X-SMTPAPI header read (./smtpapi.ts), or null when there is none. */
  smtpApi: SmtpApiReading | null;
}

export interface RewriteContext {
  queueId: string;
  hostname: string;
  user: string;
  via: 'auth' | 'trusted';
  priority: number;
  clientHostname: string;
  remoteAddress: string;
  tls: { protocol: string; cipher: string } | null;
  now: Date;
}

const MAX_SUBJECT = 998;

/**
 * The value of a header line, unfolded. mailsplit holds lines as 'binary'
 * strings (one char per byte); raw UTF-8, which SMTPUTF8 clients send, is
 * read back as UTF-8 here.
 */
function valueOf(line: string): string {
  const text = Buffer.from(line, 'binary').toString('utf8');
  return text.slice(text.indexOf(':') + 1).replace(/\r\n[ \t]/g, ' ').trim();
}

export function inspectHeaders(headers: Headers): InspectedHeaders {
  const senders = readSenderFields(headers);
  return {
    senders,
    from: senders.ok ? senders.from.map((m) => m.address) : [],
    sender: senders.ok && senders.sender ? [senders.sender.address] : [],
    fromText: libmime.decodeWords(valueOf(headers.get('from')[0] ?? '')).slice(0, MAX_SUBJECT),
    fromName: senders.ok ? (senders.from[0]?.displayName ?? '').slice(0, MAX_SUBJECT) : '',
    subject: libmime.decodeWords(valueOf(headers.get('subject')[0] ?? '')).slice(0, MAX_SUBJECT),
    smtpApi: readSmtpApi(headers.get('x-smtpapi').map(valueOf)),
  };
}

export function fromDomainOf(inspected: InspectedHeaders): string | null {
  const first = inspected.from[0];
  return first ? (splitAddress(first)?.domain ?? null) : null;
}

const PRIORITY_WORDS: Record<number, [string, string]> = {
  1: ['1 (Highest)', 'high'],
  2: ['2 (High)', 'high'],
  3: ['3 (Normal)', 'normal'],
  4: ['4 (Low)', 'low'],
  5: ['5 (Lowest)', 'low'],
};

/** RFC 5322 date-time, e.g. "Thu, 26 Nov 2026 10:00:00 +0000". */
export function rfc5322Date(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

/** Strips what must not reach a header line from client-supplied text. */
function safe(text: string): string {
  return text.replace(/[^\x21-\x7e]/g, '').slice(0, 255);
}

/** Rewrites the header block; returns the fields it added or replaced, as "Name: value" lines, for the message's history. */
export function rewriteHeaders(headers: Headers, ctx: RewriteContext): string[] {
  headers.remove('x-smtpapi');
  const [xPriority, importance] = PRIORITY_WORDS[ctx.priority] ?? ['3 (Normal)', 'normal'];
  headers.update('X-Priority', xPriority);
  headers.update('Importance', importance);
  const added = [`X-Priority: ${xPriority}`, `Importance: ${importance}`];
  const end = headers.getList().length;
  if (!headers.hasHeader('message-id')) {
    const messageId = `<${ctx.queueId}@${ctx.hostname}>`;
    headers.add('Message-ID', messageId, end);
    added.push(`Message-ID: ${messageId}`);
  }
  if (!headers.hasHeader('date')) {
    const date = rfc5322Date(ctx.now);
    headers.add('Date', date, end + 1);
    added.push(`Date: ${date}`);
  }

  const protocol = `ESMTP${ctx.tls ? 'S' : ''}${ctx.via === 'auth' ? 'A' : ''}`;
  const tlsNote = ctx.tls ? ` (${safe(ctx.tls.protocol)}:${safe(ctx.tls.cipher)})` : '';
  const who = ctx.via === 'auth' ? `authenticated as ${ctx.user}` : `trusted device of ${ctx.user}`;
  const received = `from ${safe(ctx.clientHostname) || 'unknown'} ([${safe(ctx.remoteAddress)}]) by ${ctx.hostname} (Relay Desk) with ${protocol}${tlsNote} id ${ctx.queueId} (${who}); ${rfc5322Date(ctx.now)}`;
  headers.add('Received', received);
  added.unshift(`Received: ${received}`);
  return added;
}
