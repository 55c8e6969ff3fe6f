/**
 * `relay-desk service install|uninstall|status` on Linux with systemd: the
 * dedicated user (useradd --system), the unit in /etc/systemd/system, and
 * systemctl to enable and start it. With a root folder (--root DIR) only the
 * unit file is written or removed under DIR, for an image being prepared or
 * a package, and nothing on this machine is touched. On Windows and macOS
 * the desktop app runs the relay instead, and the command says so.
 */
import { execFile } from 'node:child_process';
import { access, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { HEADLESS_SWITCHES } from '../headless-args.js';
import { shellQuote } from '../host/shell-quote.js';
import { SERVICE_DATA_DIR, SERVICE_USER, serviceUnit, UNIT_FILE, type ServiceLaunch } from './systemd-unit.js';

const run = promisify(execFile);

const UNIT_DIR = '/etc/systemd/system';
/** Present only when systemd runs as PID 1 (sd_booted()). */
const SYSTEMD_RUNNING = '/run/systemd/system';

export type ServiceErrorCode = 'unsupported_platform' | 'needs_root' | 'no_systemd' | 'service_user_cannot_run' | 'command_failed';

export class ServiceError extends Error {
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

/**
 * How this very CLI runs, for the unit to run it the same way: node and
 * cli.js, or the Electron binary, which runs the CLI itself headless (the
 * app's folder first when it is not packaged, as in `electron . service install`).
 */
export function currentLaunch(): ServiceLaunch {
  if (!('electron' in process.versions)) return { command: [process.execPath, fileURLToPath(new URL('../cli.js', import.meta.url))] };
  const appFolder = process.defaultApp ? [resolve(process.argv[1] ?? '.')] : [];
  return { command: [process.execPath, ...appFolder, ...HEADLESS_SWITCHES] };
}

export interface ServiceTarget {
  /** Write under this folder instead of /, and touch nothing else; null for this machine. */
  root: string | null;
  launch: ServiceLaunch;
}

export function unitPath(root: string | null): string {
  return join(root ?? '/', UNIT_DIR, UNIT_FILE);
}

export function requireLinux(platform: NodeJS.Platform = process.platform): void {
  if (platform === 'linux') return;
  const instead =
    platform === 'win32'
      ? 'On Windows the desktop app runs the relay; a Windows service or scheduled task is not available yet.'
      : 'On this system the desktop app runs the relay; a system service is not available yet.';
  throw new ServiceError('unsupported_platform', `relay-desk service works with systemd on Linux only. ${instead}`);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Runs a system command, failing with its own words. */
async function system(command: string, args: string[]): Promise<string> {
  try {
    return (await run(command, args)).stdout;
  } catch (err) {
    const { stderr } = err as { stderr?: string };
    throw new ServiceError('command_failed', `${command} ${args.join(' ')} failed: ${(stderr ?? String(err)).trim().replace(/\s+/g, ' ')}`);
  }
}

async function requireSystem(): Promise<void> {
  if (process.getuid?.() !== 0) throw new ServiceError('needs_root', 'Installing a system service needs root: run it with sudo.');
  if (!(await exists(SYSTEMD_RUNNING))) {
    throw new ServiceError(
      'no_systemd',
      `systemd is not running on this machine (no ${SYSTEMD_RUNNING}), so there is nothing to enable the service in. Use --root DIR to write the unit for another system.`,
    );
  }
}

async function userExists(name: string): Promise<boolean> {
  return run('getent', ['passwd', name]).then(
    () => true,
    () => false,
  );
}

/** The service user must be able to read and run the app: one kept in a private home folder is not. */
async function checkServiceUserCanRun(launch: ServiceLaunch): Promise<void> {
  try {
    await run('runuser', ['-u', SERVICE_USER, '--', ...launch.command, '--help']);
  } catch (err) {
    const { stderr } = err as { stderr?: string };
    throw new ServiceError(
      'service_user_cannot_run',
      `The ${SERVICE_USER} user cannot run ${launch.command.join(' ')} (${(stderr ?? String(err)).trim().replace(/\s+/g, ' ')}): ` +
        'install Relay Desk and Node.js where every user can read them (e.g. under /opt), not in a private home folder.',
    );
  }
}

/** Installs the unit; returns what was done, one line each. */
export async function installService(target: ServiceTarget): Promise<string[]> {
  requireLinux();
  const path = unitPath(target.root);
  const unit = serviceUnit(target.launch);
  if (target.root !== null) {
    await mkdir(join(target.root, UNIT_DIR), { recursive: true });
    await writeFile(path, unit, { mode: 0o644 });
    return [
      `Wrote ${path}.`,
      `Nothing was enabled (--root). On that system: useradd --system --user-group --home-dir ${SERVICE_DATA_DIR} --no-create-home --shell /usr/sbin/nologin ${SERVICE_USER}, then systemctl enable --now ${UNIT_FILE}.`,
      adminUrlHint(target.launch),
    ];
  }
  await requireSystem();
  const done: string[] = [];
  if (!(await userExists(SERVICE_USER))) {
    await system('useradd', ['--system', '--user-group', '--home-dir', SERVICE_DATA_DIR, '--no-create-home', '--shell', '/usr/sbin/nologin', '--comment', 'Relay Desk', SERVICE_USER]);
    done.push(`Created the system user ${SERVICE_USER}.`);
  }
  await checkServiceUserCanRun(target.launch);
  await writeFile(path, unit, { mode: 0o644 });
  done.push(`Wrote ${path}.`);
  await system('systemctl', ['daemon-reload']);
  await system('systemctl', ['enable', '--now', UNIT_FILE]);
  done.push(`Enabled and started ${UNIT_FILE}: it starts at boot, with its data in ${SERVICE_DATA_DIR}.`, adminUrlHint(target.launch));
  return done;
}

/** The admin page stays on the server's loopback: how an admin elsewhere gets there. */
function adminUrlHint(launch: ServiceLaunch): string {
  const cli = launch.command.map(shellQuote).join(' ');
  return (
    `The admin page's address, with its sign-in token: sudo -u ${SERVICE_USER} ${cli} admin-url --data-dir ${SERVICE_DATA_DIR} ` +
    `(from another computer: ssh -L 7025:127.0.0.1:7025 THIS-HOST, then open that address there).`
  );
}

export async function uninstallService(target: Pick<ServiceTarget, 'root'>): Promise<string[]> {
  requireLinux();
  const path = unitPath(target.root);
  const had = await exists(path);
  if (target.root === null) {
    await requireSystem();
    if (had) await system('systemctl', ['disable', '--now', UNIT_FILE]);
  }
  await rm(path, { force: true });
  if (target.root === null && had) await system('systemctl', ['daemon-reload']);
  return [
    had ? `Removed ${path}${target.root === null ? ' after stopping and disabling the service' : ''}.` : `There was no ${path}.`,
    `The data folder ${SERVICE_DATA_DIR} and the user ${SERVICE_USER} are kept; remove them (userdel ${SERVICE_USER}, rm -r ${SERVICE_DATA_DIR}) if they are no longer needed.`,
  ];
}

export interface ServiceStatus {
  unit: string;
  installed: boolean;
  /** The ExecStart line of the installed unit. */
  execStart: string | null;
  /** From systemctl; null where systemd does not run (or with --root). */
  enabled: string | null;
  active: string | null;
}

export async function serviceStatus(target: Pick<ServiceTarget, 'root'>): Promise<ServiceStatus> {
  requireLinux();
  const path = unitPath(target.root);
  const text = await readFile(path, 'utf8').catch(() => null);
  const status: ServiceStatus = {
    unit: path,
    installed: text !== null,
    execStart: text?.match(/^ExecStart=(.*)$/m)?.[1] ?? null,
    enabled: null,
    active: null,
  };
  if (target.root === null && (await exists(SYSTEMD_RUNNING))) {
    // is-enabled and is-active exit non-zero for "disabled" and "inactive", which they still print.
    const ask = (verb: string) =>
      run('systemctl', [verb, UNIT_FILE]).then(
        (r) => r.stdout.trim(),
        (err: unknown) => (err as { stdout?: string }).stdout?.trim() || 'unknown',
      );
    status.enabled = await ask('is-enabled');
    status.active = await ask('is-active');
  }
  return status;
}
