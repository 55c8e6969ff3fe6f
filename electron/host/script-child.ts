/**
 * One of the host's own Node scripts (the keychain probe) run in a child
 * process, killed if it has not finished in time. Where the host is plain
 * Node the child is Node; in the packaged app the Electron binary no longer
 * runs as Node (the RunAsNode fuse is off), so there it is a utility process
 * (./script-child-electron.ts).
 */
import { execFile } from 'node:child_process';

export interface ScriptResult {
  /** Its exit code; null when it was killed. */
  code: number | null;
  stdout: string;
  timedOut: boolean;
}

export type RunScript = (entry: string, args: string[], timeoutMs: number) => Promise<ScriptResult>;

/** Resolves with how the script ended; rejects only when it could not be started. */
export const runScriptWithNode: RunScript = (entry, args, timeoutMs) =>
  new Promise((resolve, reject) => {
    execFile(process.execPath, [entry, ...args], { timeout: timeoutMs, killSignal: 'SIGKILL' }, (err, stdout) => {
      if (!err) resolve({ code: 0, stdout, timedOut: false });
      else if (typeof err.code === 'number') resolve({ code: err.code, stdout, timedOut: false });
      else if (err.killed) resolve({ code: null, stdout, timedOut: true });
      else reject(new Error(err.message));
    });
  });
