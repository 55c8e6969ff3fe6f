/**
 * Five deliberate departures from smtp-server's defaults, applied once at
 * import to the library's classes:
 *
 * 1. Replies the relay writes carry their own precise enhanced status code
 *    (550 5.7.1 for a sender policy refusal); smtp-server would otherwise
 *    prefix a code guessed from the basic code alone (5.1.1 for any 550).
 * 2. No 100 ms hold before the greeting. smtp-server waits that long to catch
 *    spammers who talk before the banner; office devices send one message
 *    per connection, so the hold would cap a device at ten messages a second
 *    and costs a LAN relay far more than it protects (it is hard-coded in
 *    smtp-server's SMTPConnection.init, hence a patch).
 * 3. Session ids from the relay's pooled random bytes: the library drew its
 *    own 10 bytes per connection, 22 µs each under load (W1, a CPU profile),
 *    2% of the relay's time with a connection per message. Same format: 10
 *    random bytes in base 32, 16 characters. Listeners that expect a PROXY
 *    header (the relay sets none) keep the library's path.
 * 4. On a port that takes logins only over TLS, EHLO before STARTTLS does not
 *    offer AUTH, and AUTH is refused at the command, before any credential
 *    is exchanged. The library offers it either way; a client that believed
 *    the offer would send its password readable across the LAN (with AUTH
 *    LOGIN, after the 334 prompts, before any application hook runs) only to
 *    learn it must not. The refusal's words are the relay's.
 * 5. Hook points for a server's ServerGuard (guardServer()), which the
 *    relay's connection limits use (session/connection-guard.ts): a socket
 *    is admitted or refused as it is accepted, before any TLS handshake,
 *    instead of the library's one global cap; every command line passes the
 *    guard first; and the guard sees each chunk the command parser takes and
 *    each moment it waits for the client, which the library's idle timeout
 *    (reset by every byte) does not tell apart.
 */
import type { Socket } from 'node:net';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import type { SMTPStream } from 'smtp-server/lib/smtp-stream.js';
import { randomHex } from './random-pool.js';

const ENHANCED_CODE = /^[245]\.\d{1,3}\.\d{1,3} /;
/** How long a refused socket may stay open for its 421 to be read. */
const REFUSAL_LINGER_MS = 1000;

export interface GuardReply {
  code: number;
  text: string;
}

/** What a server's connection limits are told, and may refuse. */
export interface ServerGuard {
  /** A socket was accepted, before any TLS handshake: null lets it in, a reply refuses it. */
  admit(socket: Socket, id: string): GuardReply | null;
  /** The SMTP session of an admitted socket begins. */
  opened(connection: SMTPConnection): void;
  /** A command line is about to run (continuation: a line of an AUTH exchange); a reply ends the session instead. */
  command(connection: SMTPConnection, continuation: boolean): GuardReply | null;
  /** The session's parser takes `bytes` from the client. */
  received(connection: SMTPConnection, bytes: number, inData: boolean): void;
  /** The session's parser has handled all it was given and waits for the client. */
  waiting(connection: SMTPConnection): void;
  closed(connection: SMTPConnection): void;
}

const guards = new WeakMap<SMTPServer, ServerGuard>();

/** Puts a server's connections under `guard`; set before the server accepts any. */
export function guardServer(server: SMTPServer, guard: ServerGuard): void {
  guards.set(server, guard);
}

const proto = SMTPConnection.prototype;

// eslint-disable-next-line @typescript-eslint/unbound-method -- always called with .call(this) below
const originalSend = proto.send;
proto.send = function send(this: SMTPConnection, code, data, context) {
  const ownCode = typeof data === 'string' && ENHANCED_CODE.test(data);
  originalSend.call(this, code, data, ownCode ? false : context);
};

// The library's init() with the greeting timer taken out. A guarded server
// admitted the socket already; an unguarded one keeps the library's cap.
proto.init = function init(this: SMTPConnection) {
  const guard = guards.get(this._server);
  guard?.opened(this);
  this._setListeners(() => {
    const { maxClients } = this._server.options;
    if (!guard && maxClients && this._server.connections.size > maxClients) {
      this.send(421, `${this.name} Too many connected clients, try again in a moment`, false);
      return;
    }
    this.connectionReady();
  });
};

/** Answers (and records) a login tried before TLS on a port that takes them only over TLS. */
export type RefuseAuthBeforeTls = (session: SMTPServerSession) => { code: number; text: string };

/** Servers whose port takes logins only over TLS (listeners.ts marks them). */
const tlsOnlyLogins = new WeakMap<SMTPServer, RefuseAuthBeforeTls>();

export function takeLoginsOnlyOverTls(server: SMTPServer, refuse: RefuseAuthBeforeTls): void {
  tlsOnlyLogins.set(server, refuse);
}

// eslint-disable-next-line @typescript-eslint/unbound-method -- always called with .call(this) below
const originalAuth = proto.handler_AUTH;
proto.handler_AUTH = function handlerAuth(this: SMTPConnection, command, callback) {
  const refuse = this.secure ? undefined : tlsOnlyLogins.get(this._server);
  if (!refuse) {
    originalAuth.call(this, command, callback);
    return;
  }
  const reply = refuse(this.session);
  this.send(reply.code, reply.text);
  callback();
};

// eslint-disable-next-line @typescript-eslint/unbound-method -- always called with .call(this) below
const originalEhlo = proto.handler_EHLO;
proto.handler_EHLO = function handlerEhlo(this: SMTPConnection, command, callback) {
  if (this.secure || !tlsOnlyLogins.has(this._server)) {
    originalEhlo.call(this, command, callback);
    return;
  }
  // The library lists what _isSupported allows, synchronously; AUTH is left
  // out of this one list and is back before the next command is read.
  const own = this.session.disabledCommands;
  this.session.disabledCommands = [...(own ?? this._server.options.disabledCommands), 'AUTH'];
  originalEhlo.call(this, command, () => {
    this.session.disabledCommands = own;
    callback();
  });
};

// eslint-disable-next-line @typescript-eslint/unbound-method -- always called with .call(this) below
const originalOnCommand = proto._onCommand;
proto._onCommand = function onCommand(this: SMTPConnection, command, callback) {
  const guard = guards.get(this._server);
  if (guard && this._ready && !this._upgrading && !this._closing) {
    const refusal = guard.command(this, this._nextHandler !== false);
    if (refusal) {
      // A 421 closes the connection; nothing after this line is read.
      this.send(refusal.code, refusal.text);
      return;
    }
  }
  originalOnCommand.call(this, command, callback);
};

// eslint-disable-next-line @typescript-eslint/unbound-method -- always called with .call(this) below
const originalOnClose = proto._onClose;
proto._onClose = function onClose(this: SMTPConnection) {
  guards.get(this._server)?.closed(this);
  originalOnClose.call(this);
};

// eslint-disable-next-line @typescript-eslint/unbound-method -- always called with .call(this) below
const originalCreateParser = proto._createParser;
proto._createParser = function createParser(this: SMTPConnection) {
  const parser = originalCreateParser.call(this);
  const guard = guards.get(this._server);
  if (guard) watchParser(parser, this, guard);
  return parser;
};

/**
 * Tells the guard when the parser takes a chunk and when it has handled it
 * (its write callback: after the commands in it ran and their replies were
 * flushed, or the message data was taken). The parser also calls its own
 * _write for the rest of a chunk (after DATA, after the end of a message):
 * those calls, made before the outer chunk is done, pass straight through.
 */
function watchParser(parser: SMTPStream, connection: SMTPConnection, guard: ServerGuard): void {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- always called with .call(parser) below
  const write = parser._write;
  let writing = false;
  parser._write = (chunk, encoding, next) => {
    if (writing) {
      write.call(parser, chunk, encoding, next);
      return;
    }
    writing = true;
    guard.received(connection, chunk.length, parser._dataMode);
    write.call(parser, chunk, encoding, (err) => {
      writing = false;
      guard.waiting(connection);
      next(err);
    });
  };
}

function implicitTls(options: SMTPServerOptions): boolean {
  return Boolean(options.secure && !options.needsUpgrade);
}

/** Answers a refused socket and closes it; before a TLS handshake nothing can be said. */
function refuseSocket(socket: Socket, reply: GuardReply, tls: boolean): void {
  socket.on('error', () => undefined);
  if (tls) {
    socket.destroy();
    return;
  }
  socket.end(`${reply.code} ${reply.text}\r\n`);
  // Whatever the client sends meanwhile is read, so closing does not reset the connection before it reads the reply.
  socket.resume();
  setTimeout(() => socket.destroy(), REFUSAL_LINGER_MS).unref();
}

type HandleProxy = SMTPServer['_handleProxy'];
// eslint-disable-next-line @typescript-eslint/unbound-method -- always called with .call(this) below
const originalHandleProxy = SMTPServer.prototype._handleProxy;
SMTPServer.prototype._handleProxy = function handleProxy(this: SMTPServer, socket, callback): ReturnType<HandleProxy> {
  if (this._expectsProxyHeader(socket)) {
    originalHandleProxy.call(this, socket, callback);
    return;
  }
  const id = BigInt(`0x${randomHex(10)}`).toString(32).padStart(16, '0');
  const refusal = guards.get(this)?.admit(socket, id) ?? null;
  if (refusal) {
    refuseSocket(socket, refusal, implicitTls(this.options));
    // An error makes the server drop the socket without a session, as for a PROXY header it could not read.
    setImmediate(() => callback(new Error(refusal.text)));
    return;
  }
  const ignore = this.options.ignoredHosts?.includes(socket.remoteAddress ?? '') ?? false;
  setImmediate(() => callback(null, { id, ignore }));
};
