/**
 * Turns what the SMTP client reports for one transaction (nodemailer, or
 * ./smtp-client.ts with errors of the same shape) into one result per
 * recipient. The rule: a reply to the transaction itself (MAIL, RCPT, DATA)
 * decides by its class, 5xx failed and 4xx deferred; anything else (no
 * connection, TLS, AUTH, a timeout, a server that vanished) is the relay's or
 * the network's problem, never the recipient's, so the mail waits.
 */
import type { NodemailerError } from 'nodemailer';
import type { RecipientResult, RecipientStatus } from './types.js';

/** What a client reports after the server took the message (nodemailer's info, or ./smtp-client.ts's). */
export interface SentInfo {
  accepted: string[];
  rejectedErrors?: NodemailerError[];
  response: string;
}

/** The commands whose replies speak about this message rather than about the session. */
const TRANSACTION_COMMANDS = new Set(['MAIL FROM', 'RCPT TO', 'DATA']);

/**
 * RFC 5321: 5yz is a permanent refusal, 4yz a transient one. Two 5yz replies
 * are not about the message: 503 (bad sequence of commands) says the session
 * was in the wrong state, so a new connection may well succeed, and 530
 * (RFC 4954: authentication required) says the relay should have logged in,
 * which the admin fixes in the settings; bouncing every message meanwhile
 * would help no one.
 */
function statusOf(code: number): RecipientStatus {
  return code >= 500 && code !== 503 && code !== 530 ? 'failed' : 'deferred';
}

function asError(err: unknown): NodemailerError {
  return err instanceof Error ? err : new Error(String(err));
}

/** The server's reply on one line (multi-line replies arrive joined by newlines). */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

export function allRecipients(recipients: string[], status: RecipientStatus, response: string, code?: number): RecipientResult[] {
  return recipients.map((recipient) => ({ recipient, status, response, ...(code === undefined ? {} : { code }) }));
}

/**
 * True when the error carries the server's verdict on this message, so
 * another MX host would be told the same; false when the host never got as
 * far as judging it (refused connection, greeting, TLS, timeout).
 */
export function isVerdict(err: unknown): boolean {
  const e = asError(err);
  return e.responseCode !== undefined && TRANSACTION_COMMANDS.has(e.command ?? '');
}

/** Results after the server took the message: accepted ones delivered, refused ones by their own reply. */
export function resultsFromInfo(recipients: string[], info: SentInfo): RecipientResult[] {
  const refusals = new Map((info.rejectedErrors ?? []).map((e) => [e.recipient ?? '', e]));
  const accepted = new Set(info.accepted);
  const response = oneLine(info.response);
  const code = replyCode(response);
  return recipients.map((recipient) => {
    const refusal = refusals.get(recipient);
    if (refusal) return refusalResult(recipient, refusal);
    if (accepted.has(recipient)) return code === undefined ? { recipient, status: 'delivered', response } : { recipient, status: 'delivered', code, response };
    // Not named in the reply at all: claiming delivery could lose the mail, so it is tried again.
    return { recipient, status: 'deferred', response: `the upstream's reply did not mention this recipient: ${oneLine(info.response)}` };
  });
}

/** The code a reply starts with ("250 2.0.0 Ok" → 250), if it does. */
function replyCode(reply: string): number | undefined {
  const code = /^([2-5]\d\d)\b/.exec(reply)?.[1];
  return code === undefined ? undefined : Number(code);
}

function refusalResult(recipient: string, err: NodemailerError): RecipientResult {
  const response = oneLine(err.response ?? err.message);
  if (err.responseCode === undefined) return { recipient, status: 'deferred', response };
  return { recipient, status: statusOf(err.responseCode), code: err.responseCode, response };
}

/**
 * Results when sendMail failed as a whole. `context` names the server in
 * words for errors that carry no reply of their own ("smarthost
 * smtp.example.com:587").
 */
export function resultsFromError(recipients: string[], err: unknown, context: string): RecipientResult[] {
  const e = asError(err);
  // Every recipient refused at RCPT: each one has its own reply.
  if (e.rejectedErrors?.length) {
    const byRecipient = new Map(e.rejectedErrors.map((r) => [r.recipient ?? '', r]));
    return recipients.map((recipient) => {
      const refusal = byRecipient.get(recipient);
      return refusal ? refusalResult(recipient, refusal) : { recipient, status: 'deferred', response: oneLine(e.message) };
    });
  }
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH') {
    // Even a permanent 535 is deferred: wrong credentials are the admin's to
    // fix in the settings, and the mail should go once they are right rather
    // than bounce back to every sender in the meantime.
    const reply = e.response ? oneLine(e.response) : oneLine(e.message);
    // An OAuth token refused: the host fetches a fresh one, or asks the admin to sign in again.
    const advice = /^AUTH (XOAUTH2|OAUTHBEARER)$/.test(e.command ?? '') ? 'refused the OAuth access token' : 'refused the login; check the user name and password';
    return allRecipients(recipients, 'deferred', `${context} ${advice}: ${reply}`, e.responseCode);
  }
  if (isVerdict(e) && e.responseCode !== undefined) {
    return allRecipients(recipients, statusOf(e.responseCode), oneLine(e.response ?? e.message), e.responseCode);
  }
  return allRecipients(recipients, 'deferred', `${context}: ${oneLine(e.message)}`, e.responseCode);
}
