/**
 * The smtp-server options shared by every listener: what the relay announces
 * and what it does with a message once the client has sent it.
 */
import type { SMTPServerOptions } from 'smtp-server';
import './smtp-reply-codes.js';
import type { Spool, SpooledMessage } from './spool.js';

/** Open sessions get this long to finish when the relay stops or a port closes. */
export const CLOSE_TIMEOUT_MS = 10_000;

export interface SmtpOptionsContext {
  hostname: string;
  maxMessageBytes: number;
  spool: Spool;
  onAccepted(message: SpooledMessage): void;
}

/** An SMTP error with the reply code smtp-server sends to the client. */
export function smtpError(responseCode: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode });
}

export function smtpOptions(ctx: () => SmtpOptionsContext): SMTPServerOptions {
  const current = ctx();
  return {
    name: current.hostname,
    banner: 'Relay Desk ESMTP',
    size: current.maxMessageBytes,
    // Reverse lookups add a DNS round trip to every connection and decide nothing here.
    disableReverseLookup: true,
    // AUTH and TLS arrive with the relay's policy; until then listeners bind to loopback only.
    disabledCommands: ['AUTH', 'STARTTLS'],
    authOptional: true,
    hideENHANCEDSTATUSCODES: false,
    closeTimeout: CLOSE_TIMEOUT_MS,
    onData(stream, session, callback) {
      // session.envelope is reset after DATA: capture it now.
      const envelope = {
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        to: session.envelope.rcptTo.map((r) => r.address),
      };
      const now = ctx();
      now.spool
        .write(stream, envelope, () => stream.sizeExceeded)
        .then((message) => {
          if (!message) {
            callback(smtpError(552, `5.3.4 Message exceeds the maximum size of ${now.maxMessageBytes} bytes`));
            return;
          }
          now.onAccepted(message);
          callback(null, `2.0.0 Ok: queued as ${message.id}`);
        })
        .catch(() => callback(smtpError(451, '4.3.0 Could not store the message, try again later')));
    },
  };
}
