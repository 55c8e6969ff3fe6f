/**
 * A private Postfix 3.7 instance, the relay's yardstick: its own config,
 * queue and data directories in a temp folder, started with
 * `postfix -c DIR start` and stopped with `postfix -c DIR stop`. The system
 * Postfix (if any) is never touched. It relays mail from 127.0.0.0/8 to the
 * sink, with no DNS, no AUTH (Postfix has none without SASL, so it is
 * compared on trusted-address workloads only) and limits that do not throttle
 * a single busy client address. Like the relay, it fsyncs each queue file
 * before its 250.
 *
 * The "as the product runs" peer (bench/relay-product.mjs) adds, through
 * `options`: STARTTLS with the relay's certificate, AUTH PLAIN through Cyrus
 * SASL from a private sasldb (one user, as the relay's), and OpenDKIM as its
 * milter (bench/lib/opendkim.mjs), so it does the work the product does.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitUntil } from './proc.mjs';

const run = promisify(execFile);

/** @param {string} dir @param {number} sinkPort */
function mainCf(dir, sinkPort) {
  return `# Written by bench/lib/postfix.mjs for one benchmark run.
compatibility_level = 3.6
queue_directory = ${dir}/queue
data_directory = ${dir}/data
mail_owner = postfix
setgid_group = postdrop
myhostname = postfix.bench.test
mydomain = bench.test
myorigin = $myhostname
mydestination =
relay_domains =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relayhost = [127.0.0.1]:${sinkPort}
smtpd_relay_restrictions = permit_mynetworks, reject
smtpd_recipient_restrictions = permit_mynetworks, reject
# No DNS anywhere: the sink is named by address, and no lookup may add latency.
smtp_host_lookup = native
smtp_dns_support_level = disabled
smtpd_peername_lookup = no
# 100 clients at once need 100 smtpd processes; nothing throttles 127.0.0.1.
default_process_limit = 200
smtpd_client_connection_rate_limit = 0
smtpd_client_connection_count_limit = 0
smtpd_client_message_rate_limit = 0
smtp_destination_concurrency_limit = 20
default_destination_concurrency_limit = 20
message_size_limit = 31457280
# Postfix logs through its own postlogd into this folder (there is no syslog here).
maillog_file_prefixes = ${dir}
maillog_file = ${dir}/maillog
biff = no
`;
}

/**
 * The product-path additions to main.cf, and the files they name.
 * @param {string} dir @param {PeerOptions} options
 */
async function productCf(dir, options) {
  const lines = ['# The product path: STARTTLS, AUTH PLAIN, DKIM by milter.'];
  if (options.tls) {
    await writeFile(join(dir, 'tls-cert.pem'), options.tls.cert);
    await writeFile(join(dir, 'tls-key.pem'), options.tls.key, { mode: 0o600 });
    lines.push(`smtpd_tls_cert_file = ${dir}/tls-cert.pem`, `smtpd_tls_key_file = ${dir}/tls-key.pem`, 'smtpd_tls_security_level = may');
    if (options.tls.ecdsa) {
      // Postfix's own pair of certificates, RSA and ECDSA, served as the relay serves its twin.
      await writeFile(join(dir, 'tls-ec-cert.pem'), options.tls.ecdsa.cert);
      await writeFile(join(dir, 'tls-ec-key.pem'), options.tls.ecdsa.key, { mode: 0o600 });
      lines.push(`smtpd_tls_eccert_file = ${dir}/tls-ec-cert.pem`, `smtpd_tls_eckey_file = ${dir}/tls-ec-key.pem`);
    }
  }
  if (options.sasl) {
    const sasl = join(dir, 'sasl');
    await mkdir(sasl);
    await writeFile(join(sasl, 'smtpd.conf'), `pwcheck_method: auxprop\nauxprop_plugin: sasldb\nmech_list: PLAIN\nsasldb_path: ${sasl}/sasldb2\n`);
    await new Promise((resolve, reject) => {
      const child = execFile('saslpasswd2', ['-p', '-c', '-f', join(sasl, 'sasldb2'), '-u', 'postfix.bench.test', options.sasl?.user ?? ''], (err) => (err ? reject(err) : resolve(undefined)));
      child.stdin?.end(options.sasl?.password);
    });
    const { stdout } = await run('id', ['-u', 'postfix']);
    await chown(join(sasl, 'sasldb2'), Number(stdout.trim()), 0);
    lines.push(
      'smtpd_sasl_auth_enable = yes',
      'smtpd_sasl_type = cyrus',
      'smtpd_sasl_path = smtpd',
      `cyrus_sasl_config_path = ${sasl}`,
      'smtpd_sasl_local_domain = postfix.bench.test',
      'smtpd_relay_restrictions = permit_sasl_authenticated, permit_mynetworks, reject',
    );
  }
  if (options.milterPort) lines.push(`smtpd_milters = inet:127.0.0.1:${options.milterPort}`, 'milter_default_action = tempfail');
  return `${lines.join('\n')}\n`;
}

/** Debian's master.cf services, minus the ones a relay never uses, none chrooted. */
function masterCf(port) {
  return `# Written by bench/lib/postfix.mjs for one benchmark run.
127.0.0.1:${port} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
`;
}

/** @param {string} dir @param {string} action */
async function postfix(dir, action) {
  try {
    await run('postfix', ['-c', dir, action], { timeout: 60_000 });
  } catch (err) {
    const log = await readFile(join(dir, 'maillog'), 'utf8').catch(() => '');
    const why = log.split('\n').filter((l) => /fatal|error/.test(l)).slice(-3).join('\n');
    throw new Error(`postfix -c ${dir} ${action} failed: ${err instanceof Error ? err.message : String(err)}\n${why}`, { cause: err });
  }
}

/**
 * @typedef {{ tls?: { cert: string, key: string, ecdsa?: { cert: string, key: string } }, sasl?: { user: string, password: string }, milterPort?: number }} PeerOptions
 */

/**
 * Starts a private instance relaying to the sink; resolves once its port answers.
 * @param {number} sinkPort @param {PeerOptions} [options] the product path's additions
 */
export async function startPostfix(sinkPort, options = {}) {
  if (process.getuid?.() !== 0) throw new Error('the Postfix comparison needs root (postfix start); run as root or pass --no-postfix');
  const dir = await mkdtemp(join(tmpdir(), 'relay-bench-postfix-'));
  // Postfix's daemons run as user postfix and must reach their folders through this one.
  await chmod(dir, 0o755);
  await mkdir(join(dir, 'queue'));
  await mkdir(join(dir, 'data'));
  const { stdout } = await run('id', ['-u', 'postfix']);
  await chown(join(dir, 'data'), Number(stdout.trim()), 0);
  const port = await freePort();
  await writeFile(join(dir, 'main.cf'), mainCf(dir, sinkPort) + (await productCf(dir, options)));
  await writeFile(join(dir, 'master.cf'), masterCf(port));
  try {
    await postfix(dir, 'start');
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const masterPid = Number(await waitUntil(() => readPid(join(dir, 'queue/pid/master.pid')), 10_000));
  if (!masterPid) throw new Error('postfix started but wrote no master.pid');
  return {
    port,
    dir,
    /** master's pid: its children are the daemons, and it reaps them (their CPU time lands in its own). */
    pid: masterPid,
    async stop() {
      await postfix(dir, 'stop').catch((err) => console.error(String(err)));
      // master exits after its children; wait so the next run starts on a quiet machine,
      // and never delete the folder under a master that is still running.
      if (!(await waitUntil(() => !isAlive(masterPid), 20_000, 100))) process.kill(masterPid, 'SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** @param {string} file */
function readPid(file) {
  try {
    return Number(readFileSync(file, 'utf8').trim()) || 0;
  } catch {
    return 0;
  }
}

/** Alive and not a zombie (this machine's init reaps orphans only now and then). @param {number} pid */
function isAlive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
