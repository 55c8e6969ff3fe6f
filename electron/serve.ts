/**
 * `relay-desk serve`: the host with no window, the relay its child (a Node
 * child process, or a utility process in the packaged app) and the admin UI
 * on loopback HTTP. Ctrl-C stops both cleanly.
 */
import { fileURLToPath } from 'node:url';
import { isAllowedPort } from '../relay/protocol.js';
import { createDispatcher } from './api/dispatcher.js';
import { removeHostFile, writeHostFile } from './host/discovery.js';
import { createHost, type HostOptions } from './host/host.js';
import { defaultDataDir } from './host/paths.js';
import { relayLauncher } from './host/child-runtime.js';
import type { LaunchRelay } from './host/relay-process.js';
import { SECRETS_MODES, type SecretsMode } from './host/store/schema.js';
import { startHttpTransport } from './transport/http.js';
import { errnoCode } from '../relay/shared/errors.js';

export interface ServeOptions {
  dataDir: string;
  adminPort: number;
  smtpPort?: number;
  upstream?: { host: string; port: number };
  dnsServers?: string[];
  secrets?: SecretsMode;
}

export class ServeOptionsError extends Error {}

export const DEFAULT_ADMIN_PORT = 7025;
const ADMIN_HOST = '127.0.0.1';
const RENDERER_DIR = fileURLToPath(new URL('../renderer', import.meta.url));

function parsePort(text: string, flag: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new ServeOptionsError(`${flag} must be a port number, got "${text}"`);
  return port;
}

function parseHostPort(text: string, flag: string): { host: string; port: number } {
  const match = /^(.+):(\d+)$/.exec(text);
  if (!match?.[1] || !match[2]) throw new ServeOptionsError(`${flag} must be HOST:PORT, got "${text}"`);
  return { host: match[1], port: parsePort(match[2], `${flag} port`) };
}

export function parseServeOptions(values: Record<string, string | boolean | undefined>): ServeOptions {
  const text = (name: string) => (typeof values[name] === 'string' ? values[name] : undefined);
  const options: ServeOptions = {
    dataDir: text('data-dir') ?? defaultDataDir(),
    adminPort: parsePort(text('admin-port') ?? String(DEFAULT_ADMIN_PORT), '--admin-port'),
  };
  const smtpPort = text('smtp-port');
  if (smtpPort !== undefined) {
    options.smtpPort = parsePort(smtpPort, '--smtp-port');
    if (!isAllowedPort(options.smtpPort)) {
      throw new ServeOptionsError(`--smtp-port must be 25, 80, 465, 587 or between 1025 and 5000, got ${options.smtpPort}`);
    }
  }
  const upstream = text('upstream');
  if (upstream !== undefined) options.upstream = parseHostPort(upstream, '--upstream');
  const dns = text('dns');
  if (dns !== undefined) {
    const server = parseHostPort(dns, '--dns');
    options.dnsServers = [`${server.host}:${server.port}`];
  }
  const secrets = text('secrets');
  if (secrets !== undefined) {
    const mode = SECRETS_MODES.find((m) => m === secrets);
    if (mode === undefined) throw new ServeOptionsError(`--secrets must be keychain or file, got "${secrets}"`);
    options.secrets = mode;
  }
  return options;
}

/** `launch` starts the relay; `relay-desk serve` passes one whose relay is already starting (host/relay-ahead.ts). */
export async function serve(options: ServeOptions, launch?: LaunchRelay): Promise<void> {
  const hostOptions: HostOptions = { dataDir: options.dataDir, launch: launch ?? (await relayLauncher()), logToTerminal: true };
  if (options.smtpPort !== undefined) hostOptions.smtpPort = options.smtpPort;
  if (options.upstream) hostOptions.upstream = options.upstream;
  if (options.dnsServers) hostOptions.dnsServers = options.dnsServers;
  if (options.secrets) hostOptions.secrets = options.secrets;
  const host = await createHost(hostOptions);
  const log = host.logs.host;
  if (host.tightened) log.warn(host.tightened);
  if (host.secretStorage.notice) log.info(host.secretStorage.notice);
  if (host.recovery) {
    log.warn(`Relay Desk could not read its settings (${host.recovery.reason}); the damaged file is kept as ${host.recovery.keptAs} and the last good copy was restored.`);
  }
  if (host.historyProblem) log.warn(host.historyProblem);
  if (host.journalMigrated) log.info(host.journalMigrated);
  const dispatch = createDispatcher(host.api, (err) => log.error('internal error:', err), host.internalErrorMessage);
  const http = await startHttpTransport({
    dispatch,
    events: host.events,
    token: host.adminToken,
    staticDir: RENDERER_DIR,
    host: ADMIN_HOST,
    port: options.adminPort,
  }).catch((err: unknown) => {
    if (errnoCode(err) === 'EADDRINUSE') {
      throw new ServeOptionsError(`admin port ${options.adminPort} is in use; choose another with --admin-port`);
    }
    throw err;
  });

  await host.start();
  await writeHostFile(options.dataDir, { url: http.url, pid: process.pid });
  // The sign-in token goes only to a person's terminal, never into a log file or pipe.
  if (process.stdout.isTTY) console.log(`Relay Desk admin: ${http.url}#token=${host.adminToken}`);
  else {
    const tokenPlace = host.secretStorage.kind === 'keychain' ? "this user's keychain" : 'the data folder';
    console.log(`Relay Desk admin: ${http.url} (its sign-in token is in ${tokenPlace}; \`relay-desk admin-url\` prints the full address)`);
  }
  log.info(`Data folder: ${options.dataDir}`);
  log.info(`Logs: ${host.logs.dir}`);
  console.log('Press Ctrl-C to stop.');

  await new Promise<void>((resolve) => {
    let stopping = false;
    const shutdown = () => {
      if (stopping) return;
      stopping = true;
      log.info('Stopping Relay Desk…');
      void Promise.all([host.stop(), http.close(), removeHostFile(options.dataDir)]).then(() => {
        log.info('Relay Desk stopped.');
        resolve();
      });
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
}
