/**
 * Haraka (npm `Haraka`, pinned in bench/haraka/package.json and installed
 * there by bench/install-bench-packages.sh, never in the app's lockfile): the
 * Node peer of the "as the product runs" rows. One process (no cluster, as
 * the relay is one), STARTTLS with the same certificate, AUTH PLAIN from
 * auth/flat_file (the same user), DKIM signing with the same key and selector
 * (haraka-plugin-dkim), and authenticated mail relayed through its outbound
 * queue (a file per message in its queue folder) to the sink, which a tiny
 * get_mx plugin names. Logging at NOTICE: Haraka's default INFO writes a dozen
 * lines per message to stdout, more than Postfix or the relay log.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, portAnswers } from './proc.mjs';

const harakaBin = fileURLToPath(new URL('../haraka/node_modules/Haraka/bin/haraka', import.meta.url));
const harakaDefaults = fileURLToPath(new URL('../haraka/node_modules/Haraka/config/', import.meta.url));
export const harakaInstalled = () => existsSync(harakaBin);

/**
 * @param {number} sinkPort
 * @param {{ cert: { cert: string, key: string, ecdsa?: { cert: string, key: string } }, user: string, password: string, dkim: { domain: string, selector: string, privateKey: string } }} options
 */
export async function startHaraka(sinkPort, options) {
  if (!harakaInstalled()) throw new Error('Haraka is not installed: run bash bench/install-bench-packages.sh');
  const dir = await mkdtemp(join(tmpdir(), 'relay-bench-haraka-'));
  const port = await freePort();
  const config = join(dir, 'config');
  // Haraka's own defaults first, as `haraka -i` installs them (it reads some, e.g. connection.ini, only from here).
  await cp(harakaDefaults, config, { recursive: true });
  await mkdir(join(config, 'dkim', options.dkim.domain), { recursive: true });
  await mkdir(join(dir, 'plugins'));
  await mkdir(join(dir, 'queue'));
  const files = {
    'config/smtp.ini': `listen=127.0.0.1:${port}\nnodes=0\n`,
    'config/log.ini': '[main]\nlevel=notice\n',
    'config/me': 'haraka.bench.test\n',
    'config/plugins': 'tls\nauth/flat_file\ndkim\nbench_mx\n',
    // Haraka takes several key and cert files (key[]=, cert[]=), as Node's TLS does: the RSA pair and its ECDSA twin.
    'config/tls.ini': options.cert.ecdsa
      ? 'key[]=tls_key.pem\nkey[]=tls_ec_key.pem\ncert[]=tls_cert.pem\ncert[]=tls_ec_cert.pem\n'
      : 'key=tls_key.pem\ncert=tls_cert.pem\n',
    'config/tls_key.pem': options.cert.key,
    'config/tls_cert.pem': options.cert.cert,
    ...(options.cert.ecdsa ? { 'config/tls_ec_key.pem': options.cert.ecdsa.key, 'config/tls_ec_cert.pem': options.cert.ecdsa.cert } : {}),
    'config/auth_flat_file.ini': `[core]\nmethods=PLAIN\n[users]\n${options.user}=${options.password}\n`,
    'config/dkim.ini': `[sign]\nenabled=true\nselector=${options.dkim.selector}\ndomain=${options.dkim.domain}\n[verify]\nenabled=false\n`,
    [`config/dkim/${options.dkim.domain}/private`]: options.dkim.privateKey,
    [`config/dkim/${options.dkim.domain}/selector`]: `${options.dkim.selector}\n`,
    'config/outbound.ini': 'concurrency_max=20\n',
    // Every domain's mail goes to the sink, as the relay's smarthost and Postfix's relayhost send it.
    'plugins/bench_mx.js': `exports.hook_get_mx = (next) => next(OK, { exchange: '127.0.0.1', port: ${sinkPort}, priority: 0 });\n`,
  };
  for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text, { mode: 0o600 });
  const child = spawn(process.execPath, [harakaBin, '-c', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (/** @type {Buffer} */ d) => (output = (output + d.toString()).slice(-3000)));
  const exited = once(child, 'exit');
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const up = await portAnswers(port, 300, gone);
  if (!up || gone()) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw new Error(`Haraka did not start: ${output}`);
  }
  return {
    port,
    pid: /** @type {number} */ (child.pid),
    output: () => output,
    async stop() {
      if (!gone()) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
