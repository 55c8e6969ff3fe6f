/**
 * The relay started ahead of the host: `relay-desk serve` launches it before
 * loading the host's own modules and reading the settings, so the relay's
 * start (loading its modules, ~0.6 s of CPU) runs beside the host's instead
 * of after it. The relay does nothing until it is configured, so it only
 * waits; what it sends and its exit are held until the supervisor listens.
 * In Node the fork comes first of all, from the program's entry
 * (../cli.ts, startEarly), before the CLI's own modules and zod load.
 */
import type { LaunchRelay, RelayChild } from './relay-process.js';

export interface RelayAhead {
  /** The first call hands over the relay started ahead; later ones (restarts) launch a new one. */
  readonly launch: LaunchRelay;
  /** Ends the relay started ahead if it was never handed over (the host did not start). */
  discard(): void;
}

/**
 * A listener list that keeps what arrives before its first listener and
 * gives it to every listener that comes (the relay's log and the
 * supervisor both want an exit that happened before the handover).
 */
function heldUntilHeard<A extends unknown[]>(): { emit: (...args: A) => void; listen: (listener: (...args: A) => void) => void } {
  const early: A[] = [];
  const listeners: ((...args: A) => void)[] = [];
  return {
    emit: (...args) => {
      if (listeners.length === 0) early.push(args);
      for (const listener of listeners) listener(...args);
    },
    listen: (listener) => {
      listeners.push(listener);
      for (const args of early) listener(...args);
    },
  };
}

export function launchAhead(launch: LaunchRelay): RelayAhead {
  let early: RelayChild | null = launch();
  let exited = false;
  const messages = heldUntilHeard<[unknown]>();
  const exits = heldUntilHeard<[number | null, string | null]>();
  const output = heldUntilHeard<[string]>();
  early.onMessage(messages.emit);
  early.onExit((code, signal) => {
    exited = true;
    exits.emit(code, signal);
  });
  early.onOutput(output.emit);
  return {
    launch: () => {
      if (!early) return launch();
      const child = early;
      early = null;
      return {
        get pid() {
          return child.pid;
        },
        send: (message) => child.send(message),
        onMessage: messages.listen,
        onExit: exits.listen,
        kill: (signal) => child.kill(signal),
        onOutput: output.listen,
      };
    },
    discard: () => {
      if (early && !exited) early.kill('SIGTERM');
      early = null;
    },
  };
}

let early: RelayAhead | null = null;

/** Forks the relay now, for the `serve` that takes it (takeEarly); ../cli.ts calls it before loading anything else. */
export function startEarly(launch: LaunchRelay): void {
  early = launchAhead(launch);
}

/** The relay startEarly forked, handed out once; null if there is none. */
export function takeEarly(): RelayAhead | null {
  const taken = early;
  early = null;
  return taken;
}
