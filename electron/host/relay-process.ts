/**
 * The seam between the supervisor and the way a child process is made:
 * child_process.fork in plain Node, utilityProcess.fork in Electron
 * (see ../main.ts). The supervisor sees only this interface.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { RELAY_EXEC_ARGV } from '../../relay/shared/node-options.js';

export interface RelayChild {
  readonly pid: number | undefined;
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(signal: NodeJS.Signals): void;
  /** Each line the child prints (its own crash report, say), for the relay's log. */
  onOutput(listener: (line: string) => void): void;
}

/** The lines of a child's stdout and stderr, as one listener's calls. */
export function outputLines(streams: (NodeJS.ReadableStream | null)[]): (listener: (line: string) => void) => void {
  return (listener) => {
    for (const stream of streams) if (stream) createInterface({ input: stream, crlfDelay: Infinity }).on('line', listener);
  };
}

export type LaunchRelay = () => RelayChild;

/** The built relay entry, next to this file's own build output. */
export const relayEntry = fileURLToPath(new URL('../../relay/main.js', import.meta.url));

/**
 * The relay's whole environment, however it is launched: the configuration
 * goes over IPC and the environment carries no secrets, so the child gets
 * only what Node itself needs, none of the host's variables.
 */
export function relayEnvironment(): Record<string, string> {
  return { PATH: process.env.PATH ?? '', NODE_ENV: process.env.NODE_ENV ?? 'production' };
}

/** A Node child process (a fork with an IPC channel) as the supervisor sees a relay; its output read from `output`. */
export function forkedRelayChild(child: ChildProcess, output: (NodeJS.ReadableStream | null)[]): RelayChild {
  return {
    pid: child.pid,
    send: (message) => {
      if (child.connected) child.send(message as object);
    },
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.on('exit', (code, signal) => listener(code, signal)),
    kill: (signal) => child.kill(signal),
    onOutput: outputLines(output),
  };
}

/**
 * The host's own --cpu-prof options (in their `--flag=value` form), passed on:
 * a fork given execArgv does not inherit the parent's, and a profile of the
 * host without its relay leaves out most of the CPU the product spends. Not
 * --cpu-prof-name: the relay's profile would overwrite the host's.
 */
export function profilerArgs(hostArgs: readonly string[]): string[] {
  return hostArgs.filter((arg) => arg === '--cpu-prof' || arg.startsWith('--cpu-prof-dir=') || arg.startsWith('--cpu-prof-interval='));
}

export const launchWithNodeFork: LaunchRelay = () => {
  const child = fork(relayEntry, [], {
    execArgv: [...RELAY_EXEC_ARGV, ...profilerArgs(process.execArgv)],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'json',
    env: relayEnvironment(),
  });
  return forkedRelayChild(child, [child.stdout, child.stderr]);
};
