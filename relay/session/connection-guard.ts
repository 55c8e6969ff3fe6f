/**
 * The relay's connection limits, one guard for every listener (through the
 * hook points of ../smtp-server-patches.ts): slots per client address and
 * fair slots (./client-slots.ts), each session's time limits
 * (./session-clock.ts), and the commands a client may send before it logs
 * in (smtp-server's own count is off, since AUTH is optional for trusted
 * devices). Every refusal and every session cut short is a 'rejected' event,
 * and every reply is one of ./replies.ts. Limits are read as they are used,
 * so a new configuration applies at once without reopening a port.
 */
import type { Socket } from 'node:net';
import type { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import type { RelayEvent } from '../events.js';
import type { Limits } from '../protocol.js';
import type { ServerGuard } from '../smtp-server-patches.js';
import { ClientSlots, type Slot } from './client-slots.js';
import type { TrustedClients } from '../shared/sender-policy.js';
import { replies, type SmtpReply } from './replies.js';
import { SessionClock, type Expiry } from './session-clock.js';

export interface GuardServices {
  limits(): Limits;
  trusted(): TrustedClients;
  emit(event: RelayEvent): void;
}

type Stage = Extract<RelayEvent, { type: 'rejected' }>['stage'];
type Envelope = Extract<RelayEvent, { type: 'rejected' }>['envelope'];

/** One admitted socket, from accept to close. */
interface Guarded {
  id: string;
  /** The client address as counted (IPv4-mapped IPv6 as IPv4). */
  address: string;
  trustedUser: string | null;
  socket: Socket;
  slot: Slot<Guarded>;
  clock: SessionClock;
  /** Once its SMTP session has begun (after the TLS handshake on an implicit TLS port). */
  connection: SMTPConnection | null;
  /** Commands sent before logging in. */
  commands: number;
  /** Logged in, or from a trusted address started a message: the identify limit is met for good. */
  identified: boolean;
}

export class ConnectionGuard implements ServerGuard {
  private readonly slots: ClientSlots<Guarded>;
  private readonly admitted = new Map<string, Guarded>();

  constructor(private readonly services: GuardServices) {
    this.slots = new ClientSlots(() => services.limits(), evictable);
  }

  admit(socket: Socket, id: string): SmtpReply | null {
    const admission = this.slots.admit(socket.remoteAddress ?? '');
    if (!admission.ok) {
      const limits = this.services.limits();
      const reply =
        admission.reason === 'rate'
          ? replies.clientRateExceeded(admission.client, limits.maxConnectionRatePerClient)
          : admission.reason === 'client'
            ? replies.tooManyFromClient(admission.client, limits.maxConnectionsPerClient)
            : replies.tooManyConnections();
      this.record(id, admission.client, this.services.trusted().userFor(admission.client), 'connect', reply);
      return reply;
    }
    if (admission.evicted?.occupant) this.cutShort(admission.evicted.occupant, 'evicted', replies.evictedForRoom(admission.evicted.client));
    const { slot } = admission;
    const entry: Guarded = {
      id,
      address: slot.client,
      trustedUser: this.services.trusted().userFor(slot.client),
      socket,
      slot,
      clock: new SessionClock(
        () => this.services.limits().session,
        () => isIdentified(entry),
        (why) => this.expire(entry, why),
      ),
      connection: null,
      commands: 0,
      identified: false,
    };
    slot.occupant = entry;
    this.admitted.set(id, entry);
    // The session's own close reports too, since STARTTLS takes every listener off the plain socket.
    socket.once('close', () => this.forget(entry));
    return null;
  }

  opened(connection: SMTPConnection): void {
    const entry = this.admitted.get(connection.id);
    if (entry) entry.connection = connection;
  }

  command(connection: SMTPConnection, continuation: boolean): SmtpReply | null {
    const entry = this.admitted.get(connection.id);
    if (!entry) return null;
    entry.clock.lineEnded();
    if (isIdentified(entry)) entry.identified = true;
    if (continuation || entry.trustedUser !== null || connection.session.user) return null;
    entry.commands++;
    const max = this.services.limits().session.maxCommandsBeforeAuth;
    if (entry.commands <= max) return null;
    const reply = replies.tooManyCommandsBeforeAuth(max);
    this.record(entry.id, entry.address, null, 'commands', reply);
    return reply;
  }

  received(connection: SMTPConnection, bytes: number, inData: boolean): void {
    this.admitted.get(connection.id)?.clock.received(bytes, inData);
  }

  waiting(connection: SMTPConnection): void {
    const entry = this.admitted.get(connection.id);
    const parser = connection._parser;
    if (!entry || !parser || connection._closing) return;
    entry.clock.waiting({ inData: parser._dataMode, partialLine: parser._remainder.length > 0 });
  }

  closed(connection: SMTPConnection): void {
    const entry = this.admitted.get(connection.id);
    if (entry) this.forget(entry);
  }

  private forget(entry: Guarded): void {
    entry.clock.stop();
    this.slots.release(entry.slot);
    this.admitted.delete(entry.id);
  }

  private expire(entry: Guarded, why: Expiry): void {
    const limits = this.services.limits().session;
    const reply =
      why === 'identify'
        ? replies.noLoginInTime(limits.identifyMs)
        : why === 'command-line'
          ? replies.commandLineTooSlow(limits.commandLineMs)
          : why === 'idle'
            ? replies.idleTooLong(limits.idleMs)
            : replies.dataTooSlow(limits.minDataBytesPerSecond);
    this.cutShort(entry, 'timeout', reply);
  }

  /** Ends a session with a 421; before its SMTP session began (TLS handshake) it is just closed. */
  private cutShort(entry: Guarded, stage: Stage, reply: SmtpReply): void {
    const { connection } = entry;
    if (connection?._closing || connection?._closed) return;
    this.record(entry.id, entry.address, userOf(entry), stage, reply, envelopeOf(entry));
    this.forget(entry);
    if (connection) connection.send(reply.code, reply.text);
    else entry.socket.destroy();
  }

  private record(session: string, remoteAddress: string, user: string | null, stage: Stage, reply: SmtpReply, envelope: Envelope = null): void {
    this.services.emit({ type: 'rejected', session, remoteAddress, user, stage, code: reply.code, reply: `${reply.code} ${reply.text}`, envelope });
  }
}

/** The transaction a cut-off interrupted, if MAIL FROM was given. */
function envelopeOf(entry: Guarded): Envelope {
  const envelope = entry.connection?.session.envelope;
  if (!envelope?.mailFrom) return null;
  return { from: envelope.mailFrom.address, to: envelope.rcptTo.map((r) => r.address) };
}

function userOf(entry: Guarded): string | null {
  const user: unknown = entry.connection?.session.user;
  return typeof user === 'string' ? user : entry.trustedUser;
}

/** Logged in, or (a trusted device) its MAIL accepted. Before the session began, neither. */
function isIdentified(entry: Guarded): boolean {
  const session = entry.connection?.session;
  if (entry.identified || !session || !entry.connection?._ready) return entry.identified;
  return Boolean(session.user) || Boolean(session.envelope.mailFrom);
}

/** A session that may be closed to make room: it has not logged in and carries no message. */
function evictable(entry: Guarded): boolean {
  const connection = entry.connection;
  if (!connection?._ready) return true;
  return !connection.session.user && !connection.session.envelope.mailFrom && !connection._dataStream && !connection._closing;
}
