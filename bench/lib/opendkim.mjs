/**
 * A private OpenDKIM (Debian's `opendkim`), Postfix's DKIM signer on the
 * "as the product runs" rows of bench/relay-product.mjs: a milter on a free
 * loopback port, signing mail from one domain with the same RSA-2048 key and
 * selector the relay signs with, relaxed/relaxed as the relay does. It runs in
 * the foreground as the bench's child, so its CPU is read from its own pid.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, portAnswers } from './proc.mjs';

/** @param {{ domain: string, selector: string, privateKey: string }} key */
export async function startOpenDkim(key) {
  const dir = await mkdtemp(join(tmpdir(), 'relay-bench-opendkim-'));
  const port = await freePort();
  await writeFile(join(dir, 'dkim.key'), key.privateKey, { mode: 0o600 });
  await writeFile(
    join(dir, 'opendkim.conf'),
    `# Written by bench/lib/opendkim.mjs for one benchmark run.
Syslog no
Background no
Mode s
Domain ${key.domain}
Selector ${key.selector}
KeyFile ${dir}/dkim.key
# The key sits under /tmp, which others may write; the folder itself is 0700.
RequireSafeKeys false
Canonicalization relaxed/relaxed
SignatureAlgorithm rsa-sha256
Socket inet:${port}@127.0.0.1
InternalHosts 127.0.0.0/8
PidFile ${dir}/opendkim.pid
`,
  );
  await chmod(dir, 0o700);
  const child = spawn('opendkim', ['-f', '-x', join(dir, 'opendkim.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (/** @type {Buffer} */ d) => (stderr = (stderr + d.toString()).slice(-2000)));
  const exited = once(child, 'exit');
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  // It says nothing when ready: its port answering shows it is up.
  const up = await portAnswers(port, 200, gone);
  if (!up || gone()) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw new Error(`opendkim did not start (run bench/install-bench-packages.sh): ${stderr}`);
  }
  return {
    port,
    pid: /** @type {number} */ (child.pid),
    async stop() {
      if (!gone()) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
