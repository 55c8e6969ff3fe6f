/**
 * The relay's SMTP hooks: who is connecting, who logs in, who may send as
 * whom; DATA is handed to ./receive-message.ts. One instance serves every
 * listener; listener differences (TLS) live in ../listeners.ts.
 */
import type { SMTPServerAuthentication, SMTPServerOptions, SMTPServerSession } from 'smtp-server';
import type { RelayEvent } from '../events.js';
import type { ListenerConfig, RelaySettings, RelayUser } from '../protocol.js';
import type { Spool, StoredMessage } from '../queue/spool.js';
import { tryLogin, type AuthFailureLimiter, type Authenticator } from './auth.js';
import { checkSender, describeSenderRefusal, type TrustedClients } from '../shared/sender-policy.js';
import type { RateLimiter } from './rate-limit.js';
import { receiveMessage } from './receive-message.js';
import { replies, smtpError, type SmtpReply } from './replies.js';

export interface SessionServices {
  config(): RelaySettings;
  auth: Authenticator;
  authLimiter: AuthFailureLimiter;
  trusted(): TrustedClients;
  rateLimiter: RateLimiter;
  spool: Spool;
  emit(event: RelayEvent): void;
  accepted(message: StoredMessage): void;
}

type Hooks = Pick<SMTPServerOptions, 'onConnect' | 'onClose' | 'onAuth' | 'onMailFrom' | 'onRcptTo' | 'onData'>;
type Stage = Extract<RelayEvent, { type: 'rejected' }>['stage'];
type Envelope = Extract<RelayEvent, { type: 'rejected' }>['envelope'];

/** The transaction's envelope so far, with the address being refused (at MAIL or RCPT) included; null before MAIL FROM. */
function envelopeOf(session: SMTPServerSession, refusing?: { mailFrom?: string; rcptTo?: string }): Envelope {
  const mailFrom = refusing?.mailFrom ?? (session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined);
  if (mailFrom === undefined) return null;
  const to = session.envelope.rcptTo.map((r) => r.address);
  if (refusing?.rcptTo !== undefined) to.push(refusing.rcptTo);
  return { from: mailFrom, to };
}

export interface SessionHooks {
  forListener: (listener: ListenerConfig) => Hooks;
  /** A login tried before TLS on a port that takes them only over TLS: recorded, and the reply. */
  refuseAuthBeforeTls: (session: SMTPServerSession) => SmtpReply;
}

export function createSessionHooks(services: SessionServices): SessionHooks {
  const open = new Map<string, { trustedUser: string | null }>();

  const record = (session: SMTPServerSession, stage: Stage, reply: SmtpReply, envelope: Envelope = null) => {
    services.emit({
      type: 'rejected',
      session: session.id,
      remoteAddress: session.remoteAddress,
      user: identityOf(session),
      stage,
      code: reply.code,
      reply: `${reply.code} ${reply.text}`,
      envelope,
    });
  };
  const refuse = (session: SMTPServerSession, stage: Stage, reply: SmtpReply, envelope: Envelope = null) => {
    record(session, stage, reply, envelope);
    return smtpError(reply);
  };

  const identityOf = (session: SMTPServerSession): string | null =>
    typeof session.user === 'string' ? session.user : (open.get(session.id)?.trustedUser ?? null);

  /** The active user this session sends as, or the reply that says why there is none. */
  const senderOf = (session: SMTPServerSession): RelayUser | SmtpReply => {
    const name = identityOf(session);
    if (name === null) return replies.authRequired();
    const user = services.auth.user(name);
    if (!user) return replies.authRequired();
    if (!user.active) return replies.userInactive(user.name);
    return user;
  };

  const forListener = (listener: ListenerConfig): Hooks => ({
    // Connection limits were applied as the socket was accepted (./connection-guard.ts).
    onConnect(session, callback) {
      open.set(session.id, { trustedUser: services.trusted().userFor(session.remoteAddress) });
      services.emit({
        type: 'session-opened',
        session: session.id,
        remoteAddress: session.remoteAddress,
        port: listener.port,
        tls: session.secure,
      });
      callback();
    },

    onClose(session) {
      if (open.delete(session.id)) services.emit({ type: 'session-closed', session: session.id });
    },

    onAuth(auth: SMTPServerAuthentication, session, callback) {
      const address = session.remoteAddress;
      const name = auth.username ?? '';
      tryLogin(services.auth, services.authLimiter, address, name, auth.password ?? '').then(
        (result) => {
          if (result.ok) {
            services.emit({ type: 'auth', session: session.id, remoteAddress: address, user: name, ok: true });
            callback(null, { user: name });
            return;
          }
          if (result.reason === 'blocked') {
            callback(refuse(session, 'auth', replies.authBlocked(address, new Date(result.blockedUntil))));
            return;
          }
          services.emit({ type: 'auth', session: session.id, remoteAddress: address, user: name, ok: false, reason: result.reason });
          if (result.blockStarted !== null) services.emit({ type: 'auth-blocked', remoteAddress: address, until: new Date(result.blockStarted).toISOString() });
          callback(refuse(session, 'auth', result.reason === 'inactive' ? replies.userInactive(name) : replies.authFailed()));
        },
        () => callback(refuse(session, 'auth', replies.authFailed())),
      );
    },

    onMailFrom(address, session, callback) {
      const envelope = envelopeOf(session, { mailFrom: address.address });
      if (listener.encryption === 'starttls-required' && !session.secure) {
        callback(refuse(session, 'mail', replies.tlsRequired(), envelope));
        return;
      }
      const user = senderOf(session);
      if ('code' in user) {
        callback(refuse(session, 'mail', user, envelope));
        return;
      }
      // The null sender (MAIL FROM:<>) is how devices send delivery and read
      // receipts; who it is from is still checked in the From and Sender headers.
      if (address.address === '') {
        callback();
        return;
      }
      const verdict = checkSender(address.address, user);
      if (!verdict.ok) {
        callback(refuse(session, 'mail', replies.senderRefused(describeSenderRefusal('Sender', address.address, user.name, verdict.reason)), envelope));
        return;
      }
      callback();
    },

    onRcptTo(address, session, callback) {
      const envelope = envelopeOf(session, { rcptTo: address.address });
      const user = senderOf(session);
      if ('code' in user) {
        callback(refuse(session, 'rcpt', user, envelope));
        return;
      }
      const max = services.config().limits.maxRecipients;
      if (session.envelope.rcptTo.length >= max) {
        callback(refuse(session, 'rcpt', replies.tooManyRecipients(max), envelope));
        return;
      }
      callback();
    },

    onData(stream, session, callback) {
      receiveMessage(services, session, identityOf(session), stream).then(
        (outcome) => {
          if (typeof outcome === 'string') callback(null, outcome);
          else callback(refuse(session, 'data', outcome, envelopeOf(session)));
        },
        () => callback(refuse(session, 'data', replies.storeFailed(), envelopeOf(session))),
      );
    },
  });

  return {
    forListener,
    refuseAuthBeforeTls: (session) => {
      const reply = replies.tlsRequiredForAuth();
      record(session, 'auth', reply);
      return reply;
    },
  };
}
