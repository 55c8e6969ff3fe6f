/**
 * The LaunchRelay seam for Electron: the relay runs as a utility process, a
 * Node child managed by Chromium (it shows up in the task manager under its
 * service name, and needs no separate Node binary in the installer).
 */
import { utilityProcess } from 'electron';
import { RELAY_EXEC_ARGV } from '../../relay/shared/node-options.js';
import { outputLines, relayEntry, relayEnvironment, type LaunchRelay } from './relay-process.js';

export const launchWithUtilityProcess: LaunchRelay = () => {
  const child = utilityProcess.fork(relayEntry, [], {
    serviceName: 'Relay Desk relay',
    stdio: 'pipe',
    execArgv: [...RELAY_EXEC_ARGV],
    // A utility process is Node already; without env it would inherit the host's whole environment.
    env: relayEnvironment(),
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  return {
    get pid() {
      return child.pid;
    },
    send: (message) => {
      // Like a disconnected fork: messages to a dead child are dropped.
      if (!exited) child.postMessage(message);
    },
    onMessage: (listener) => child.on('message', listener),
    // A utility process reports only its exit code, never a signal.
    onExit: (listener) => child.on('exit', (code) => listener(code, null)),
    kill: (signal) => {
      // child.kill() is always a graceful SIGTERM; the supervisor's last
      // resort (SIGKILL) has to go through the pid.
      if (signal === 'SIGTERM' || child.pid === undefined) child.kill();
      else process.kill(child.pid, signal);
    },
    onOutput: outputLines([child.stdout, child.stderr]),
  };
};
