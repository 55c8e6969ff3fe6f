/**
 * The host's and the relay's log files, in the logs folder (the data
 * folder's `logs/` for `relay-desk serve`, the OS's logs folder for the
 * desktop app): timestamped lines with a level, a file per process, each
 * moved aside to `<name>.old.log` once it passes MAX_LOG_BYTES, so the two
 * never hold more than 4 × 5 MB. What is written is what the host says of
 * itself and what the relay prints; neither carries a secret (the admin
 * token, passwords, verifiers and keys never go through a logger).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import electronLog from 'electron-log/node';

export type Logger = Pick<typeof electronLog, 'error' | 'warn' | 'info'>;

export interface HostLogs {
  readonly dir: string;
  /** The host's own file, host.log. */
  readonly host: Logger;
  /** What the relay process prints and how it starts and stops, relay.log. */
  readonly relay: Logger;
}

export const MAX_LOG_BYTES = 5 * 1024 * 1024;
export const HOST_LOG = 'host.log';
export const RELAY_LOG = 'relay.log';

const LINE_FORMAT = '[{y}-{m}-{d} {h}:{i}:{s}.{ms}] [{level}] {text}';

/** Opens the two logs in `dir`; with `terminal`, every line is printed too (serve in a terminal). */
export async function openLogs(dir: string, options: { terminal: boolean; maxBytes?: number }): Promise<HostLogs> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const make = (file: string): Logger => {
    // Each logger its own instance (electron-log keeps one per logId), so the two files never mix.
    const logger = electronLog.create({ logId: `relay-desk:${join(dir, file)}` });
    const { transports } = logger;
    transports.file.resolvePathFn = () => join(dir, file);
    transports.file.maxSize = options.maxBytes ?? MAX_LOG_BYTES;
    transports.file.format = LINE_FORMAT;
    transports.file.level = 'info';
    // Like every file of the data folder: private to the user that runs Relay Desk.
    transports.file.writeOptions = { flag: 'a', mode: 0o600, encoding: 'utf8' };
    transports.console.level = options.terminal ? 'info' : false;
    transports.console.format = '{text}';
    return logger;
  };
  return { dir, host: make(HOST_LOG), relay: make(RELAY_LOG) };
}
