/**
 * The bounce a sender gets when some recipients could not be reached: a
 * delivery status notification (RFC 3464) that people and programs can both
 * read. Part one says in words which recipients failed and what their servers
 * answered; part two is the machine-readable message/delivery-status; part
 * three carries the original headers so the sender can tell which message it
 * was. The caller sends it with the null envelope sender so it is never
 * bounced in turn.
 */
import { randomUUID } from 'node:crypto';
import { encode as qpEncode, wrap as qpWrap } from 'nodemailer/lib/qp';
import type { RecipientResult } from '../delivery/types.js';

export interface BounceInput {
  /** This relay's host name, as it names itself in the report. */
  reportingMta: string;
  queueId: string;
  /** The original envelope sender, who receives the bounce. */
  originalFrom: string;
  arrivalDate: Date;
  recipients: RecipientResult[];
  /** failed: refused for good; expired: still undelivered when the queue lifetime ran out. */
  reason: 'failed' | 'expired';
  /** The original message's header block. */
  originalHeaders: string;
}

const CRLF = '\r\n';

/** RFC 5322 date in UTC. */
function mailDate(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

/** An enhanced status code (RFC 3463) at the start of a reply or right after its basic code. */
const ENHANCED_CODE = /(?:^|\b\d{3}[ -])([45]\.\d{1,3}\.\d{1,3})\b/;

function statusOf(result: RecipientResult, reason: BounceInput['reason']): string {
  const found = ENHANCED_CODE.exec(result.response)?.[1];
  if (found) return found;
  // 4.4.7: delivery time expired; 5.0.0: permanent failure, no better detail.
  return reason === 'expired' ? '4.4.7' : '5.0.0';
}

/** Header values must be printable ASCII: anything else becomes "?". */
function ascii(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[^\x20-\x7e]/g, '?');
}

/**
 * The address as a DSN field value: rfc822 when it is ASCII, otherwise RFC
 * 6533's utf-8 type with each character outside the safe set as \x{HEX}.
 */
function addressField(address: string): string {
  // eslint-disable-next-line no-control-regex -- the test is for anything outside ASCII
  if (!/[^\x00-\x7f]/.test(address)) return `rfc822; ${address}`;
  const escaped = address.replace(/[^\x21-\x2a\x2c-\x3c\x3e-\x5b\x5d-\x7e]/gu, (c) => `\\x{${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()}}`);
  return `utf-8; ${escaped}`;
}

/** Folds a header line at spaces so no line runs past 78 characters where it can be helped. */
function fold(line: string): string {
  const words = line.split(' ');
  const lines: string[] = [];
  let current = words.shift() ?? '';
  for (const word of words) {
    if (current.length + 1 + word.length > 78) {
      lines.push(current);
      current = ` ${word}`;
    } else {
      current += ` ${word}`;
    }
  }
  lines.push(current);
  return lines.join(CRLF);
}

function humanText(input: BounceInput, failed: RecipientResult[]): string {
  const opening =
    input.reason === 'expired'
      ? 'Your message could not be delivered to the recipients below in the time the queue keeps a message. The receiving servers kept refusing it for the time being, or could not be reached.'
      : 'Your message could not be delivered to the recipients below. Their mail servers refused it, and sending it again will not change that.';
  return [
    `This is the mail system at host ${input.reportingMta}.`,
    '',
    opening,
    '',
    ...failed.flatMap((r) => [`<${r.recipient}>:`, `    ${r.response}`, '']),
    `The message was queued as ${input.queueId} on ${mailDate(input.arrivalDate)}.`,
    'Its headers are attached below.',
    '',
  ].join(CRLF);
}

function deliveryStatus(input: BounceInput, failed: RecipientResult[]): string {
  const perMessage = [`Reporting-MTA: dns; ${input.reportingMta}`, `Arrival-Date: ${mailDate(input.arrivalDate)}`];
  const perRecipient = failed.map((r) =>
    [
      `Final-Recipient: ${addressField(r.recipient)}`,
      'Action: failed',
      `Status: ${statusOf(r, input.reason)}`,
      // An SMTP reply is "smtp"; a reason the relay found itself (DNS, a timeout) is its own type.
      fold(`Diagnostic-Code: ${r.code === undefined ? 'X-Relay-Desk' : 'smtp'}; ${ascii(r.response)}`),
    ].join(CRLF),
  );
  return [perMessage.join(CRLF), ...perRecipient].join(CRLF + CRLF) + CRLF;
}

function headerBlock(headers: string): string {
  const lines = headers.replace(/\r?\n/g, CRLF).replace(/(\r\n)+$/, '');
  return lines + CRLF;
}

export function buildBounce(input: BounceInput): string {
  if (input.originalFrom === '') throw new Error('a message with the null sender is never bounced (RFC 5321 section 4.5.5)');
  const failed = input.recipients.filter((r) => r.status !== 'delivered');
  if (failed.length === 0) throw new Error('a bounce needs at least one recipient that was not delivered');
  const boundary = `=_relay-desk-${randomUUID()}`;
  const part = (headers: string[], body: string) => [`--${boundary}`, ...headers, '', body].join(CRLF);
  return [
    `Date: ${mailDate(new Date())}`,
    `From: Mail Delivery System <MAILER-DAEMON@${input.reportingMta}>`,
    `To: <${input.originalFrom}>`,
    'Subject: Undelivered mail returned to sender',
    `Message-ID: <${input.queueId}.${randomUUID()}@${input.reportingMta}>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status;${CRLF} boundary="${boundary}"`,
    '',
    'This is a delivery status notification in MIME format.',
    '',
    part(['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable'], qpWrap(qpEncode(humanText(input, failed)))),
    part(['Content-Type: message/delivery-status'], deliveryStatus(input, failed)),
    part(['Content-Type: text/rfc822-headers'], headerBlock(input.originalHeaders)),
    `--${boundary}--`,
    '',
  ].join(CRLF);
}
