/**
 * The From and Sender fields of a header block, read strictly
 * (./mailbox-header.ts), and the sender check on them. RFC 5322 §3.6 allows
 * one From and at most one Sender, and a From with several mailboxes needs a
 * Sender (§3.6.2); a field name that readers disagree on ("From :") is
 * refused, as some would read the line as From and others would not. Every
 * From mailbox and the Sender must be authorized for the user.
 */
import type Headers from 'mailsplit/lib/headers.js';
import type { RelayUser } from '../protocol.js';
import { parseMailboxList, type Mailbox } from './mailbox-header.js';
import { kindOf, quoted, type MailboxProblemCode, type MailboxProblemKind } from './mailbox-problem.js';
import { checkSender, describeSenderRefusal } from '../shared/sender-policy.js';
import { replies, type SmtpReply } from './replies.js';

type SenderFieldName = 'From' | 'Sender';

export interface SenderFieldProblem {
  code: MailboxProblemCode;
  kind: MailboxProblemKind;
  /** The whole sentence the reply carries. */
  text: string;
}

export type SenderFields = { ok: true; from: Mailbox[]; sender: Mailbox | null } | { ok: false; problem: SenderFieldProblem };

const FIELD_NAMES: Record<string, SenderFieldName> = { from: 'From', sender: 'Sender' };

/** Strict: a header is not guessed into UTF-8; a BOM is kept, to be refused as invisible. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function refused(code: MailboxProblemCode, text: string): SenderFields {
  return { ok: false, problem: { code, kind: kindOf(code), text } };
}

/** The first line that names From or Sender in a way readers disagree on, as a refusal. */
function ambiguousFieldName(headers: Headers): SenderFields | null {
  const lines = headers.getList();
  if (headers.mbox !== false) {
    return refused('field-name', `The header block starts with ${JSON.stringify(quoted(headers.mbox))}, a line that is no header field but that some mail programs read as From`);
  }
  for (const { line } of lines) {
    const name = line.slice(0, Math.max(0, line.indexOf(':')));
    const bare = name.replace(/[^\x21-\x7e]/g, '');
    const field = FIELD_NAMES[bare.toLowerCase()];
    if (field !== undefined && bare !== name) {
      return refused('field-name', `A header line names ${field} with white space or a control character before its colon (${JSON.stringify(quoted(`${name}:`))}); write "${field}:"`);
    }
  }
  return null;
}

function readField(field: SenderFieldName, line: string): { ok: true; mailboxes: Mailbox[] } | Extract<SenderFields, { ok: false }> {
  const bytes = Buffer.from(line, 'binary');
  let value: string;
  try {
    value = utf8.decode(bytes.subarray(bytes.indexOf(':') + 1));
  } catch {
    return { ok: false, problem: { code: 'not-utf8', kind: kindOf('not-utf8'), text: `${field} header is not valid UTF-8` } };
  }
  // Unfolding (RFC 5322 §2.2.3): a CRLF before white space goes; any other CR or LF is refused as a control character.
  const read = parseMailboxList(value.replace(/\r\n(?=[ \t])/g, ''));
  if (!read.ok) return { ok: false, problem: { code: read.problem.code, kind: read.problem.kind, text: `${field} header ${read.problem.detail}` } };
  return read;
}

export function readSenderFields(headers: Headers): SenderFields {
  const ambiguous = ambiguousFieldName(headers);
  if (ambiguous) return ambiguous;
  const fromLines = headers.get('from');
  const senderLines = headers.get('sender');
  if (fromLines.length === 0) return refused('missing', 'The message has no From header');
  for (const [field, lines] of [['From', fromLines], ['Sender', senderLines]] as const) {
    if (lines.length > 1) return refused('duplicate-field', `The message has ${lines.length} ${field} headers; RFC 5322 allows one`);
  }
  const from = readField('From', fromLines[0] ?? '');
  if (!from.ok) return from;
  let sender: Mailbox | null = null;
  if (senderLines[0] !== undefined) {
    const read = readField('Sender', senderLines[0]);
    if (!read.ok) return read;
    if (read.mailboxes.length !== 1) return refused('several-sender-mailboxes', `Sender header must name exactly one mailbox, not ${read.mailboxes.length}`);
    sender = read.mailboxes[0] ?? null;
  }
  if (from.mailboxes.length > 1 && sender === null) {
    return refused(
      'several-from-without-sender',
      `From header lists ${from.mailboxes.length} mailboxes but the message has no Sender header; add a Sender naming the one mailbox that sends it (RFC 5322 section 3.6.2)`,
    );
  }
  return { ok: true, from: from.mailboxes, sender };
}

/** The reply that refuses the message for its From and Sender fields, or null when they may pass. */
export function senderFieldsRefusal(fields: SenderFields, user: RelayUser): SmtpReply | null {
  if (!fields.ok) {
    const { code, kind, text } = fields.problem;
    if (code === 'missing') return replies.noFromHeader();
    return kind === 'syntax' ? replies.senderFieldInvalid(text) : replies.senderFieldDeceptive(text);
  }
  const checks = [
    ['From header address', fields.from],
    ['Sender header address', fields.sender ? [fields.sender] : []],
  ] as const;
  for (const [what, mailboxes] of checks) {
    for (const { address } of mailboxes) {
      const verdict = checkSender(address, user);
      if (!verdict.ok) return replies.headerSenderRefused(describeSenderRefusal(what, address, user.name, verdict.reason));
    }
  }
  return null;
}
