/**
 * SMTP replies the relay writes, with their basic and enhanced codes in one
 * place: 4xx tells the client to try again later, 5xx not to.
 */
export interface SmtpReply {
  code: number;
  /** Starts with the enhanced status code. */
  text: string;
}

export function smtpError(reply: SmtpReply): Error & { responseCode: number } {
  return Object.assign(new Error(reply.text), { responseCode: reply.code });
}

export const replies = {
  tooManyConnections: (): SmtpReply => ({ code: 421, text: '4.7.0 Too many connections to this relay, try again in a moment' }),
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
  noFromHeader: (): SmtpReply => ({ code: 550, text: '5.6.0 The message has no From header' }),
  tooManyRecipients: (max: number): SmtpReply => ({ code: 452, text: `4.5.3 Too many recipients: at most ${max} per message` }),
  messageTooBig: (max: number): SmtpReply => ({ code: 552, text: `5.3.4 Message too big: the limit is ${max} bytes` }),
  headerTooBig: (max: number): SmtpReply => ({ code: 552, text: `5.3.4 Message header too big: the limit is ${max} bytes` }),
  rateLimited: (user: string, perHour: number): SmtpReply => ({
    code: 451,
    text: `4.7.1 SMTP user ${user} has reached its limit of ${perHour} messages per hour; try again later`,
  }),
  storeFailed: (): SmtpReply => ({ code: 451, text: '4.3.0 The message could not be stored; try again later' }),
  queued: (id: string): string => `2.0.0 Ok: queued as ${id}`,
};
