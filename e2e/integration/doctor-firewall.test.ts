/**
 * The firewall check against real firewall tools: nft and iptables (nftables
 * and iptables from Debian) each read rules the test wrote, in a network
 * namespace of its own (`unshare -n`), so the machine's own firewall is
 * never read or changed. Where the rules cannot be read (not root) the check
 * says so instead of guessing.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { DoctorCheck } from '#api/schemas/doctor.js';

const CHECK = fileURLToPath(new URL('../../electron/host/services/doctor/firewall-check.js', import.meta.url));
const RUN_CHECK = `const { firewallCheck } = await import(process.argv[1]); console.log(JSON.stringify(await firewallCheck(JSON.parse(process.argv[2]))));`;

function sh(script: string, env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('/usr/bin/unshare', ['-n', '/bin/sh', '-ec', script], { env }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Sets up the rules in a fresh network namespace, then runs the check there (as `asUser` when given). */
async function checkInNamespace(setup: string[], ports: number[], options: { asUser?: number; path?: string } = {}): Promise<DoctorCheck> {
  const node = [process.execPath, '--input-type=module', '-e', RUN_CHECK, CHECK, JSON.stringify(ports)].map(quote).join(' ');
  const drop = options.asUser === undefined ? '' : `setpriv --reuid=${options.asUser} --regid=${options.asUser} --clear-groups `;
  const env = options.path === undefined ? process.env : { ...process.env, PATH: options.path };
  const run = await sh([...setup, `exec ${drop}${node}`].join('\n'), env);
  assert.equal(run.code, 0, run.stderr);
  const check = JSON.parse(run.stdout) as DoctorCheck | null;
  assert.ok(check, 'the check found a firewall tool');
  return check;
}

async function namespacesAllowed(t: TestContext): Promise<boolean> {
  const probe = await sh('true');
  if (probe.code !== 0) t.skip(`this machine does not allow a network namespace (unshare -n: ${probe.stderr.trim()})`);
  return probe.code === 0;
}

const NFT_DROP_ALL_BUT_2525 = [
  'nft add table inet filter',
  `nft add chain inet filter input '{ type filter hook input priority 0; policy drop; }'`,
  'nft add rule inet filter input tcp dport 2525 accept',
];

test('nft: a port the input chain accepts is ok; one its drop policy refuses is a problem naming the port and the fix', async (t) => {
  if (!(await namespacesAllowed(t))) return;
  const open = await checkInNamespace(NFT_DROP_ALL_BUT_2525, [2525]);
  assert.equal(open.title, 'Firewall (nft)');
  assert.equal(open.status, 'ok', JSON.stringify(open));
  assert.equal(open.summary, "The firewall lets the relay's port(s) in.");
  assert.ok(open.details.some((line) => /tcp dport 2525 accept/.test(line)), open.details.join(' / '));

  const closed = await checkInNamespace(NFT_DROP_ALL_BUT_2525, [2525, 587]);
  assert.equal(closed.status, 'problem', JSON.stringify(closed));
  assert.equal(closed.summary, 'The firewall shows no rule letting port(s) 587 in.');
  assert.equal(closed.fix, 'Allow the port(s) in, e.g. "sudo ufw allow 587/tcp".');
});

test('nft: an empty ruleset refuses nothing, and the check says the port is not named rather than claiming a rule', async (t) => {
  if (!(await namespacesAllowed(t))) return;
  const check = await checkInNamespace([], [2525]);
  assert.equal(check.status, 'ok', JSON.stringify(check));
  assert.equal(check.summary, "The firewall lets the relay's port(s) in (port(s) 2525 are not named; the rules do not refuse them).");
});

test('nft as a user who may not read the rules: a warning with the command to run, not a guess', async (t) => {
  if (!(await namespacesAllowed(t))) return;
  const check = await checkInNamespace(NFT_DROP_ALL_BUT_2525, [2525], { asUser: 65534 });
  assert.equal(check.status, 'warning', JSON.stringify(check));
  assert.match(check.summary, /^Could not read the firewall's rules \(nft list ruleset: .+\); whether it lets devices in is unknown\.$/);
  assert.equal(check.fix, 'Run "sudo nft list ruleset" and check that port(s) 2525 are allowed in.');
});

test('iptables (where nft is not installed): ACCEPT rules and a DROP policy are read the same way', async (t) => {
  if (!(await namespacesAllowed(t))) return;
  // A PATH holding only iptables, so the check finds it first, as on a machine without nft.
  const bin = await mkdtemp(join(tmpdir(), 'iptables-only-'));
  t.after(() => rm(bin, { recursive: true, force: true }));
  await symlink('/usr/sbin/iptables', join(bin, 'iptables'));
  const setup = ['iptables -P INPUT DROP', 'iptables -A INPUT -p tcp --dport 2525 -j ACCEPT'];
  const check = await checkInNamespace(setup.map((line) => `/usr/sbin/${line}`), [2525, 465], { path: bin });
  assert.equal(check.title, 'Firewall (iptables)');
  assert.equal(check.status, 'problem', JSON.stringify(check));
  assert.equal(check.summary, 'The firewall shows no rule letting port(s) 465 in.');
  assert.ok(check.details.includes('-A INPUT -p tcp -m tcp --dport 2525 -j ACCEPT'), check.details.join(' / '));
});
