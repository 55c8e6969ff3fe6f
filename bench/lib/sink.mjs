/**
 * The local upstream both relays deliver to: Postfix's smtp-sink, which
 * accepts and discards mail as fast as the machine allows. With -c it prints
 * running counters ("sess=N quit=N mesg=N", separated by CR) each time a
 * message's final dot arrives; the bench reads mesg=N and notes when each
 * count was reached, so "delivered" is measured where the mail lands, the
 * same way for the relay and for Postfix.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { freePort, portAnswers, waitUntil } from './proc.mjs';

const now = () => performance.timeOrigin + performance.now();

/**
 * @param {{ dumpFile?: string }} [options] dumpFile: also append every message to this file (smtp-sink -D), so a
 *   bench can check what arrived (bench/relay-product.mjs counts the DKIM signatures)
 */
export async function startSink(options = {}) {
  const port = await freePort();
  // smtp-sink refuses to run as root unless told which user to become.
  const asUser = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
  // -m: more simultaneous sessions than any relay here opens; backlog 1024.
  const dump = options.dumpFile ? ['-D', options.dumpFile] : [];
  const child = spawn('smtp-sink', ['-c', '-4', '-m', '1024', ...asUser, ...dump, `127.0.0.1:${port}`, '1024'], {
    // Not inherited: an orphaned sink holding our stderr would keep a caller's pipe open.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (/** @type {Buffer} */ d) => (stderr = (stderr + d.toString()).slice(-1000)));
  let count = 0;
  let countAt = now();
  let tail = '';
  child.stdout.setEncoding('latin1');
  child.stdout.on('data', (/** @type {string} */ data) => {
    tail = (tail + data).slice(-256);
    const all = [...tail.matchAll(/mesg=(\d+)/g)];
    const last = all[all.length - 1];
    if (last && Number(last[1]) !== count) {
      count = Number(last[1]);
      countAt = now();
    }
  });
  const exited = once(child, 'exit');
  // It prints nothing until the first session; a connect test shows it is up.
  const up = await portAnswers(port, 100, () => child.exitCode !== null);
  if (!up || child.exitCode !== null) {
    child.kill('SIGKILL');
    throw new Error(`smtp-sink did not start (is postfix installed? run bench/install-bench-packages.sh): ${stderr}`);
  }

  return {
    port,
    /** Messages the sink has received so far, and when that count was reached. */
    count: () => count,
    /** Resolves with the time the sink held `target` messages, or null after timeoutMs. */
    async waitFor(target, timeoutMs) {
      const reached = await waitUntil(() => count >= target, timeoutMs, 10);
      return reached ? countAt : null;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
