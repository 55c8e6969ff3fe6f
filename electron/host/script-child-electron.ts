/** The RunScript seam of ./script-child.ts in Electron: a utility process, SIGKILLed past its time. */
import { utilityProcess } from 'electron';
import type { RunScript } from './script-child.js';

export const runScriptInUtilityProcess: RunScript = (entry, args, timeoutMs) =>
  new Promise((resolve) => {
    const child = utilityProcess.fork(entry, args, { stdio: 'pipe', serviceName: 'Relay Desk check' });
    let stdout = '';
    child.stdout?.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // child.kill() is a graceful SIGTERM, which a call hung in a native library may never see.
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: timedOut ? null : code, stdout, timedOut });
    });
  });
