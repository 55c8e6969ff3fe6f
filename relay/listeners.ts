/**
 * One smtp-server per configured listener, opened and closed by difference so
 * that a new configuration never drops sessions on ports that stay.
 */
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { ListenerConfig, ListenerState } from './protocol.js';

interface OpenListener {
  config: ListenerConfig;
  server: SMTPServer | null;
  state: ListenerState;
}

function keyOf(c: ListenerConfig): string {
  return `${c.address}|${c.port}|${c.encryption}`;
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

export class ListenerSet {
  private readonly open = new Map<string, OpenListener>();

  constructor(private readonly serverOptions: () => SMTPServerOptions) {}

  states(): ListenerState[] {
    return [...this.open.values()].map((l) => l.state);
  }

  async apply(configs: ListenerConfig[]): Promise<void> {
    const wanted = new Map(configs.map((c) => [keyOf(c), c]));
    const closing = [...this.open.entries()].filter(([key]) => !wanted.has(key));
    for (const [key] of closing) this.open.delete(key);
    const opening = [...wanted.entries()].filter(([key]) => !this.open.has(key));
    await Promise.all([
      ...closing.map(([, l]) => closeServer(l.server)),
      ...opening.map(([key, config]) => this.listen(key, config)),
    ]);
  }

  private async listen(key: string, config: ListenerConfig): Promise<void> {
    const server = new SMTPServer(this.serverOptions());
    const entry: OpenListener = {
      config,
      server,
      state: { port: config.port, address: config.address, encryption: config.encryption, status: 'listening' },
    };
    this.open.set(key, entry);
    await new Promise<void>((resolve) => {
      const onError = (err: NodeJS.ErrnoException) => {
        entry.server = null;
        entry.state = { ...entry.state, status: 'error', error: describeBindError(config.port, err) };
        resolve();
      };
      server.once('error', onError);
      server.listen(config.port, config.address, () => {
        server.off('error', onError);
        resolve();
      });
    });
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
