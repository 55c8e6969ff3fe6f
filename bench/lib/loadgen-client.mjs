/**
 * Drives bench/loadgen.mjs (and bench/lib/open-loop-gen.mjs), a separate
 * process so that its CPU is not the server's. One process serves a row's
 * warm-up and then its measured batch:
 * a fresh process per job came to the measured batch with its own JIT cold,
 * and for the first ~600 ms of W2 the load generator, not the server, set
 * the pace (600-800 msg/s, then 1,200-1,900).
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const loadgenPath = fileURLToPath(new URL('../loadgen.mjs', import.meta.url));

/**
 * @typedef {{ attempted: number, accepted: number, errors: Record<string, number>, firstConnect: number,
 *   lastAccept: number, p50: number, p99: number, p99Settled: number, cpuPerMessage: number }} LoadResult
 */

/** Starts the closed-loop load generator (bench/loadgen.mjs). */
export function startLoadgen() {
  return /** @type {{ run: (job: object) => Promise<LoadResult>, close: () => Promise<void> }} */ (startGenerator(loadgenPath));
}

/**
 * Starts a generator process (the closed loop's, or the open loop's
 * bench/lib/open-loop-gen.mjs); run() sends one job and resolves with its
 * summary; close() ends the process.
 * @param {string} path
 */
export function startGenerator(path) {
  const child = fork(path, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = once(child, 'exit');
  return {
    /** @param {object} job @returns {Promise<any>} */
    async run(job) {
      child.send(job);
      const result = await Promise.race([once(child, 'message').then(([m]) => m), exited.then(() => null)]);
      if (!result) throw new Error('load generator exited without a result');
      return result;
    },
    async close() {
      if (child.exitCode === null) child.disconnect();
      await exited;
    },
  };
}
