/**
 * `relay-desk serve`: the host in plain Node, with the relay forked as a
 * child and the admin UI on loopback HTTP. Ctrl-C stops both cleanly.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { isAllowedPort } from '../relay/protocol.js';
import type { DeliveryConfig } from '../relay/protocol.js';
import { createDispatcher } from './api/dispatcher.js';
import { createHost } from './host/host.js';
import { defaultDataDir } from './host/paths.js';
import { launchWithNodeFork } from './host/relay-process.js';
import { startHttpTransport } from './transport/http.js';

export interface ServeOptions {
  dataDir: string;
  adminPort: number;
  smtpPort: number;
  delivery: DeliveryConfig | null;
}

export class ServeOptionsError extends Error {}

export const DEFAULT_ADMIN_PORT = 7025;
export const DEFAULT_SMTP_PORT = 2525;
const ADMIN_HOST = '127.0.0.1';
const RENDERER_DIR = fileURLToPath(new URL('../renderer', import.meta.url));

function parsePort(text: string, flag: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new ServeOptionsError(`${flag} must be a port number, got "${text}"`);
  return port;
}

export function parseServeOptions(values: Record<string, string | boolean | undefined>): ServeOptions {
  const text = (name: string) => (typeof values[name] === 'string' ? values[name] : undefined);
  const smtpPort = parsePort(text('smtp-port') ?? String(DEFAULT_SMTP_PORT), '--smtp-port');
  if (!isAllowedPort(smtpPort)) {
    throw new ServeOptionsError(`--smtp-port must be 25, 80, 465, 587 or between 1025 and 5000, got ${smtpPort}`);
  }
  let delivery: DeliveryConfig | null = null;
  const upstreamText = text('upstream');
  if (upstreamText !== undefined) {
    const match = /^(.+):(\d+)$/.exec(upstreamText);
    if (!match?.[1] || !match[2]) throw new ServeOptionsError(`--upstream must be HOST:PORT, got "${upstreamText}"`);
    const port = parsePort(match[2], '--upstream port');
    delivery = { mode: 'smarthost', host: match[1], port, security: 'none', auth: null, rejectUnauthorized: true };
  }
  return {
    dataDir: text('data-dir') ?? defaultDataDir(),
    adminPort: parsePort(text('admin-port') ?? String(DEFAULT_ADMIN_PORT), '--admin-port'),
    smtpPort,
    delivery,
  };
}

export async function serve(options: ServeOptions): Promise<void> {
  const host = createHost({
    dataDir: options.dataDir,
    launch: launchWithNodeFork,
    smtpPort: options.smtpPort,
    smtpAddress: '127.0.0.1',
    delivery: options.delivery,
  });
  const dispatch = createDispatcher(host.api, (err) => console.error('relay-desk: internal error:', err));
  const token = randomBytes(32).toString('base64url');
  const http = await startHttpTransport({
    dispatch,
    events: host.events,
    token,
    staticDir: RENDERER_DIR,
    host: ADMIN_HOST,
    port: options.adminPort,
  }).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new ServeOptionsError(`admin port ${options.adminPort} is in use; choose another with --admin-port`);
    }
    throw err;
  });

  let reported = '';
  host.supervisor.on('state', (state) => {
    const line =
      state.status === 'running'
        ? state.listeners
            .map((l) =>
              l.status === 'listening'
                ? `SMTP relay listening on ${l.address}:${l.port}`
                : `SMTP relay could not listen on port ${l.port}: ${l.error ?? 'unknown error'}`,
            )
            .join('\n')
        : (state.problem ?? '');
    if (line && line !== reported) {
      reported = line;
      console.log(line);
    }
  });

  await host.start();
  console.log(`Relay Desk admin: ${http.url}#token=${token}`);
  console.log(`Data folder: ${options.dataDir}`);
  console.log('Press Ctrl-C to stop.');

  await new Promise<void>((resolve) => {
    let stopping = false;
    const shutdown = () => {
      if (stopping) return;
      stopping = true;
      console.log('Stopping Relay Desk…');
      void Promise.all([host.stop(), http.close()]).then(() => {
        console.log('Relay Desk stopped.');
        resolve();
      });
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
}
