/**
 * What goes into relay.log besides the relay's own output: each start and
 * exit of its process, the ports it opened or could not open, a refused
 * configuration, queue files set aside. Per-message lines are not logged:
 * the message history keeps them.
 */
import type { RelayState } from '../api/contract.js';
import type { RelayEvent } from '../../relay/events.js';
import type { Logger } from './logs.js';
import type { LaunchRelay } from './relay-process.js';

/** The launcher, with each child's start, output and exit written to the relay's log. */
export function loggedLaunch(launch: LaunchRelay, log: Logger): LaunchRelay {
  return () => {
    const child = launch();
    log.info(`relay process ${child.pid ?? '?'} started`);
    child.onOutput((line) => log.warn(line));
    child.onExit((code, signal) => {
      const how = signal ? `stopped by signal ${signal}` : `exited with code ${code ?? '?'}`;
      if (code === 0) log.info(`relay process ${child.pid ?? '?'} ${how}`);
      else log.error(`relay process ${child.pid ?? '?'} ${how}`);
    });
    return child;
  };
}

/**
 * The relay's state in lines a person reads in the log and in serve's
 * terminal: one per port, or the problem while it is not running.
 */
export function describeState(state: RelayState): string[] {
  if (state.status !== 'running') return state.problem ? [state.problem] : [];
  const ports = state.listeners.map((l) =>
    l.status === 'listening'
      ? `SMTP relay listening on ${l.address}:${l.port}${l.clearTextLogins ? ' (warning: logins without TLS allowed, passwords cross the network readable)' : ''}`
      : `SMTP relay could not listen on port ${l.port}: ${l.error ?? 'unknown error'}`,
  );
  return state.problem ? [...ports, state.problem] : ports;
}

/** The relay's state and events as log lines, each change once. */
export function relayLogLines(log: Logger): { state: (state: RelayState) => void; event: (event: RelayEvent) => void } {
  let said = '';
  return {
    state: (state) => {
      const lines = describeState(state);
      const text = lines.join('\n');
      if (!text || text === said) return;
      said = text;
      for (const line of lines) {
        if (line.startsWith('SMTP relay listening')) log.info(line);
        else log.warn(line);
      }
    },
    event: (event) => {
      if (event.type === 'config-rejected') log.error(`The relay refused its configuration: ${event.reason}`);
      if (event.type === 'spool-set-aside') for (const f of event.files) log.warn(`Queue file ${f.file} set aside: ${f.reason}`);
    },
  };
}
