/**
 * One smtp-server per configured listener, opened and closed by difference so
 * that a new configuration never drops sessions on ports that stay. A new
 * certificate is swapped into running servers without reopening them.
 */
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { guardServer, takeLoginsOnlyOverTls, type RefuseAuthBeforeTls, type ServerGuard } from './smtp-server-patches.js';
import type { ListenerState } from './events.js';
import { allowsClearTextLogin, type ListenerConfig, type TlsConfig } from './protocol.js';

interface OpenListener {
  config: ListenerConfig;
  server: SMTPServer | null;
  state: ListenerState;
}

function keyOf(c: ListenerConfig): string {
  return `${c.address}|${c.port}|${c.encryption}|${c.requireTlsForAuth}`;
}

/** Turns a bind failure into words an office admin can act on. */
export function describeBindError(port: number, err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'EADDRINUSE':
      return `Port ${port} is already used by another program. Stop that program or choose another port.`;
    case 'EACCES':
      return `Port ${port} needs administrator privileges on this computer. Choose a port between 1025 and 5000.`;
    case 'EADDRNOTAVAIL':
      return `The address to listen on for port ${port} does not belong to this computer.`;
    default:
      return `Port ${port} could not be opened: ${err.message}`;
  }
}

/** Node's TLS key and certificate options: with a twin, both, RSA first (the one for clients that support nothing else). */
export function servedKeys(tls: TlsConfig): { key: string | string[]; cert: string | string[] } {
  return tls.ecdsa ? { key: [tls.key, tls.ecdsa.key], cert: [tls.cert, tls.ecdsa.cert] } : { key: tls.key, cert: tls.cert };
}

/**
 * smtp-server options for one listener's encryption. AUTH before TLS is not
 * left to the library: where a port takes logins only over TLS, the patched
 * connection refuses it with the relay's own reply (smtp-server-patches.ts).
 */
export function encryptionOptions(listener: ListenerConfig, tls: TlsConfig | null): SMTPServerOptions | string {
  if (listener.encryption === 'none') return { secure: false, disabledCommands: ['STARTTLS'], allowInsecureAuth: true };
  if (!tls) return `Port ${listener.port} needs a TLS certificate, and none is configured. Generate or import one under Server.`;
  const keys = { ...servedKeys(tls), minVersion: 'TLSv1.2' as const };
  switch (listener.encryption) {
    case 'starttls':
    case 'starttls-required':
      return { ...keys, secure: false, allowInsecureAuth: true };
    case 'tls':
      return { ...keys, secure: true };
  }
}

export class ListenerSet {
  private readonly open = new Map<string, OpenListener>();
  private tls: TlsConfig | null = null;

  constructor(
    private readonly baseOptions: (listener: ListenerConfig) => SMTPServerOptions,
    private readonly refuseAuthBeforeTls: RefuseAuthBeforeTls,
    /** The connection limits every port shares. */
    private readonly guard: ServerGuard,
  ) {}

  states(): ListenerState[] {
    return [...this.open.values()].map((l) => l.state);
  }

  async apply(configs: ListenerConfig[], tls: TlsConfig | null): Promise<void> {
    const tlsChanged = JSON.stringify(tls) !== JSON.stringify(this.tls);
    this.tls = tls;
    const wanted = new Map(configs.map((c) => [keyOf(c), c]));
    // A port that failed (busy, no certificate) is tried again with every configuration.
    const closing = [...this.open.entries()].filter(([key, l]) => !wanted.has(key) || !l.server);
    for (const [key] of closing) this.open.delete(key);
    if (tlsChanged && tls) {
      for (const l of this.open.values()) if (l.config.encryption !== 'none') l.server?.updateSecureContext(servedKeys(tls));
    }
    const opening = [...wanted.entries()].filter(([key]) => !this.open.has(key));
    await Promise.all(closing.map(([, l]) => closeServer(l.server)));
    await Promise.all(opening.map(([key, config]) => this.listen(key, config)));
  }

  private async listen(key: string, config: ListenerConfig): Promise<void> {
    const state: ListenerState = {
      port: config.port,
      address: config.address,
      encryption: config.encryption,
      clearTextLogins: allowsClearTextLogin(config),
      status: 'listening',
    };
    const encryption = encryptionOptions(config, this.tls);
    if (typeof encryption === 'string') {
      this.open.set(key, { config, server: null, state: { ...state, status: 'error', error: encryption } });
      return;
    }
    const server = new SMTPServer({ ...this.baseOptions(config), ...encryption });
    guardServer(server, this.guard);
    if (!allowsClearTextLogin(config)) takeLoginsOnlyOverTls(server, this.refuseAuthBeforeTls);
    const entry: OpenListener = { config, server, state };
    this.open.set(key, entry);
    await new Promise<void>((resolve) => {
      const onError = (err: NodeJS.ErrnoException) => {
        entry.server = null;
        entry.state = { ...state, status: 'error', error: describeBindError(config.port, err) };
        resolve();
      };
      server.once('error', onError);
      server.listen(config.port, config.address, () => {
        server.off('error', onError);
        // Errors of single connections are the session's business, not the listener's.
        server.on('error', () => undefined);
        resolve();
      });
    });
  }

  /**
   * Limits that smtp-server reads from its options at every connection and
   * EHLO (SIZE, the cap on TLS handshakes in progress, the idle timeout) are
   * changed in place on the open servers, so new limits apply without
   * reopening a port. The guard reads its own limits as it goes.
   */
  updateLimits(limits: { size: number; maxClients: number; socketTimeout: number }): void {
    for (const l of this.open.values()) if (l.server) Object.assign(l.server.options, limits);
  }

  /** Stops accepting on every port; open sessions get the servers' closeTimeout to finish. */
  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map((l) => closeServer(l.server)));
  }
}

function closeServer(server: SMTPServer | null): Promise<void> {
  return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
}
