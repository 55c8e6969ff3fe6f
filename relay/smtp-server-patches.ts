/**
 * Four deliberate departures from smtp-server's defaults, applied once at
 * import to the library's classes:
 *
 * 1. Replies the relay writes carry their own precise enhanced status code
 *    (550 5.7.1 for a sender policy refusal); smtp-server would otherwise
 *    prefix a code guessed from the basic code alone (5.1.1 for any 550).
 * 2. No 100 ms hold before the greeting. smtp-server waits that long to catch
 *    spammers who talk before the banner; office devices send one message
 *    per connection, so the hold would cap a device at ten messages a second
 *    and costs a LAN relay far more than it protects (see ENGINEERING.md).
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
 */
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import { randomHex } from './random-pool.js';

const ENHANCED_CODE = /^[245]\.\d{1,3}\.\d{1,3} /;

interface ConnectionInternals {
  _server: { options: { maxClients?: number }; connections: Set<unknown> };
  _setListeners(callback: () => void): void;
  name: string;
}

const proto = SMTPConnection.prototype;

// eslint-disable-next-line @typescript-eslint/unbound-method -- always called with .call(this) below
const originalSend = proto.send;
proto.send = function send(this: SMTPConnection, code, data, context) {
  const ownCode = typeof data === 'string' && ENHANCED_CODE.test(data);
  originalSend.call(this, code, data, ownCode ? false : context);
};

// The library's init() with the greeting timer taken out; the connection
// limit check is kept as it was.
proto.init = function init(this: SMTPConnection) {
  const self = this as unknown as ConnectionInternals & SMTPConnection;
  self._setListeners(() => {
    const { maxClients } = self._server.options;
    if (maxClients && self._server.connections.size > maxClients) {
      self.send(421, `${self.name} Too many connected clients, try again in a moment`, false);
      return;
    }
    self.connectionReady();
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

type HandleProxy = SMTPServer['_handleProxy'];
// eslint-disable-next-line @typescript-eslint/unbound-method -- always called with .call(this) below
const originalHandleProxy = SMTPServer.prototype._handleProxy;
SMTPServer.prototype._handleProxy = function handleProxy(this: SMTPServer, socket, callback): ReturnType<HandleProxy> {
  if (this._expectsProxyHeader(socket)) {
    originalHandleProxy.call(this, socket, callback);
    return;
  }
  const id = BigInt(`0x${randomHex(10)}`).toString(32).padStart(16, '0');
  const ignore = this.options.ignoredHosts?.includes(socket.remoteAddress ?? '') ?? false;
  setImmediate(() => callback(null, { id, ignore }));
};
