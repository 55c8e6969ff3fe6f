/**
 * SMTP replies the relay writes, with their basic and enhanced codes in one
 * place: 4xx tells the client to try again later, 5xx not to.
 */
import type { LongLineProblem } from '../mime/reencode-plan.js';

export interface SmtpReply {
  code: number;
  /** Starts with the enhanced status code. */
  text: string;
}

export function smtpError(reply: SmtpReply): Error & { responseCode: number } {
  return Object.assign(new Error(reply.text), { responseCode: reply.code });
}

/** Client-supplied text fit for a reply line. */
function printable(text: string, max = 60): string {
  return text.replace(/[^\x21-\x7e]/g, '').slice(0, max);
}

function whereIs(problem: LongLineProblem): string {
  const part = problem.part === '' ? 'the message' : `part ${problem.part} (${printable(problem.contentType)})`;
  if (problem.area === 'header') return `${problem.detail ? `header field ${printable(problem.detail)} of ` : 'the header of '}${part}`;
  if (problem.area === 'structure') return `the MIME delimiters, preamble or epilogue of ${part}`;
  return problem.part === '' ? 'the message body' : part;
}

/** Why a line over 998 octets could not be made shorter, and what the sender can do. */
function whyNotRewritten(problem: LongLineProblem): string {
  switch (problem.reason) {
    case 'sender-dkim':
      return problem.area === 'header'
        ? 'the message carries a DKIM signature that folding this field would break; fold it before signing'
        : 'the message carries a DKIM signature that re-encoding would break; wrap long lines or encode them (quoted-printable, base64) before signing';
    case 'signed-part':
      return 'it is inside a multipart/signed part whose signature re-encoding would break; encode long lines before signing';
    case 'unfoldable-header':
      return 'it has no whitespace to fold it at; shorten it';
    case 'not-reencodable':
      return `a ${printable(problem.contentType)} body must not be re-encoded (RFC 2046); wrap its lines`;
    case 'unknown-encoding':
      return `its transfer encoding ${printable(problem.detail ?? '')} is not one it can re-encode; send the part as base64`;
    case 'structure':
      return 'MIME delimiter, preamble and epilogue lines cannot be re-encoded; shorten it';
    case 'too-complex':
      return 'the message is too complex to re-encode';
  }
}

export const replies = {
  tooManyConnections: (): SmtpReply => ({ code: 421, text: '4.7.0 Too many connections to this relay, try again in a moment' }),
  tooManyFromClient: (address: string, max: number): SmtpReply => ({
    code: 421,
    text: `4.7.0 Too many connections from your address ${address}: at most ${max} at once; try again when some have closed`,
  }),
  clientRateExceeded: (address: string, perMinute: number): SmtpReply => ({
    code: 421,
    text: `4.7.0 Too many connections from your address ${address}: at most ${perMinute} a minute; try again in a minute`,
  }),
  evictedForRoom: (address: string): SmtpReply => ({
    code: 421,
    text: `4.7.0 The relay is full and your address ${address} holds the most connections: this idle one is closed to make room`,
  }),
  tooManyCommandsBeforeAuth: (max: number): SmtpReply => ({
    code: 421,
    text: `4.7.0 Too many commands without logging in (at most ${max}); log in with the SMTP user name and password from Relay Desk`,
  }),
  noLoginInTime: (ms: number): SmtpReply => ({ code: 421, text: `4.4.2 Timed out: no login or message within ${seconds(ms)} of connecting` }),
  commandLineTooSlow: (ms: number): SmtpReply => ({ code: 421, text: `4.4.2 Timed out: a command line took more than ${seconds(ms)} to arrive` }),
  idleTooLong: (ms: number): SmtpReply => ({ code: 421, text: `4.4.2 Timed out: no command for ${seconds(ms)}` }),
  dataTooSlow: (bytesPerSecond: number): SmtpReply => ({
    code: 421,
    text: `4.4.2 Timed out: the message arrived slower than ${bytesPerSecond} bytes a second for too long`,
  }),
  tlsRequiredForAuth: (): SmtpReply => ({ code: 538, text: '5.7.11 Encryption required: use STARTTLS before logging in' }),
  tlsRequired: (): SmtpReply => ({ code: 530, text: '5.7.0 Must issue a STARTTLS command first' }),
  authRequired: (): SmtpReply => ({
    code: 530,
    text: '5.7.0 Authentication required: log in with the SMTP user name and password from Relay Desk',
  }),
  authFailed: (): SmtpReply => ({ code: 535, text: '5.7.8 Authentication failed: wrong SMTP user name or password' }),
  userInactive: (user: string): SmtpReply => ({
    code: 535,
    text: `5.7.8 SMTP user ${user} is not active; the administrator can activate it in Relay Desk`,
  }),
  authBlocked: (address: string, until: Date): SmtpReply => ({
    code: 454,
    text: `4.7.0 Too many failed logins from ${address}; try again after ${until.toISOString().slice(11, 16)} UTC`,
  }),
  senderRefused: (text: string): SmtpReply => ({ code: 553, text: `5.7.1 ${text}` }),
  headerSenderRefused: (text: string): SmtpReply => ({ code: 550, text: `5.7.1 ${text}` }),
  /** A From or Sender field that is not valid RFC 5322. */
  senderFieldInvalid: (text: string): SmtpReply => ({ code: 554, text: `5.6.0 ${text}` }),
  /** A From or Sender field that mail programs could read as naming another sender. */
  senderFieldDeceptive: (text: string): SmtpReply => ({ code: 550, text: `5.7.1 ${text}` }),
  /** An X-SMTPAPI header that cannot be followed: refused rather than ignored, so no instruction is silently dropped. */
  smtpApiInvalid: (problem: string): SmtpReply => ({
    code: 554,
    text: `5.6.0 The X-SMTPAPI header is not valid: ${problem.replace(/[^\x20-\x7e]/g, '')}. Fix it or leave it out`,
  }),
  noFromHeader: (): SmtpReply => ({ code: 550, text: '5.6.0 The message has no From header' }),
  tooManyRecipients: (max: number): SmtpReply => ({ code: 452, text: `4.5.3 Too many recipients: at most ${max} per message` }),
  messageTooBig: (max: number): SmtpReply => ({ code: 552, text: `5.3.4 Message too big: the limit is ${max} bytes` }),
  headerTooBig: (max: number): SmtpReply => ({ code: 552, text: `5.3.4 Message header too big: the limit is ${max} bytes` }),
  rateLimited: (user: string, perHour: number): SmtpReply => ({
    code: 451,
    text: `4.7.1 SMTP user ${user} has reached its limit of ${perHour} messages per hour; try again later`,
  }),
  /** RFC 3463 X.6.3: the content needs a conversion for the next hop that cannot be done. */
  lineTooLong: (problem: LongLineProblem): SmtpReply => ({
    code: 554,
    text:
      problem.reason === 'too-complex'
        ? `5.6.3 The message has a line over 998 octets and ${problem.detail === 'parts' ? 'too many MIME parts' : 'a MIME part header too large'} to re-encode it`
        : `5.6.3 A line of ${problem.octets} octets in ${whereIs(problem)}; lines may be at most 998 octets. Relay Desk cannot rewrite it: ${whyNotRewritten(problem)}`,
  }),
  storeFailed: (): SmtpReply => ({ code: 451, text: '4.3.0 The message could not be stored; try again later' }),
  queued: (id: string): string => `2.0.0 Ok: queued as ${id}`,
};

function seconds(ms: number): string {
  const value = ms / 1000;
  return `${value} second${value === 1 ? '' : 's'}`;
}
