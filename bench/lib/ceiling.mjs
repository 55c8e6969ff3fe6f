/**
 * Starts the ceiling responder (bench/lib/ceiling-server.mjs) in its own
 * process, so that its CPU and RSS are measured as a server's are, and the
 * load generator drives it exactly as it drives the relay and Postfix.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { freePort, statusBytes } from './proc.mjs';

const entry = fileURLToPath(new URL('ceiling-server.mjs', import.meta.url));

/** @param {{ cert: string, key: string, ecdsa?: { cert: string, key: string } } | null} [tls] answers STARTTLS with this certificate (and its ECDSA twin) */
export async function startCeiling(tls = null) {
  const port = await freePort();
  const twin = tls?.ecdsa ? { TLS_EC_CERT: tls.ecdsa.cert, TLS_EC_KEY: tls.ecdsa.key } : {};
  const env = tls ? { ...process.env, TLS_CERT: tls.cert, TLS_KEY: tls.key, ...twin } : process.env;
  const child = fork(entry, [String(port)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env });
  const exited = once(child, 'exit');
  const [message] = await Promise.race([once(child, 'message'), exited.then(() => ['exited'])]);
  if (message !== 'listening') throw new Error('the ceiling responder did not start');
  return {
    port,
    pid: /** @type {number} */ (child.pid),
    peakRss: () => statusBytes(/** @type {number} */ (child.pid), 'VmHWM'),
    async stop() {
      if (child.exitCode === null) child.disconnect();
      await exited;
    },
  };
}
