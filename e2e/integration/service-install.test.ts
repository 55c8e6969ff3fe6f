/**
 * `relay-desk service` and the units it writes and the deb ships, checked
 * by systemd's own tools. systemd does not run as PID 1 on this machine, so
 * nothing is enabled or started here: `systemd-analyze verify` and
 * `systemd-analyze security --offline` read the unit files, the install
 * writes into a root folder (--root), and the install on this very machine
 * is refused with the reason.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { access, copyFile, cp, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { assertOneLineError, cli, cliJson, cliOk } from '../fixtures/cli.js';
import { cliEntry, repoRoot } from '../fixtures/paths.js';
import { tempDir } from '../fixtures/temp.js';

const run = promisify(execFile);
const UNIT = 'etc/systemd/system/relay-desk.service';
/** Where systemd keeps its own units, which `verify --root` needs beside ours (targets, sockets). */
const SYSTEM_UNITS = '/usr/lib/systemd/system';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** systemd-analyze's verdict; a clean unit prints nothing at all, not even a warning. */
function verify(args: string[]): { code: number; output: string } {
  const result = spawnSync('systemd-analyze', ['verify', ...args], { encoding: 'utf8' });
  return { code: result.status ?? -1, output: `${result.stdout}${result.stderr}`.trim() };
}

/** The overall exposure line of `systemd-analyze security --offline`, e.g. "1.6 OK". */
async function exposure(unitFile: string): Promise<{ score: number; level: string }> {
  const { stdout } = await run('systemd-analyze', ['security', '--offline=true', unitFile]);
  const match = /Overall exposure level for [^:]+: ([\d.]+) (\w+)/.exec(stdout);
  assert.ok(match?.[1] && match[2], stdout);
  return { score: Number(match[1]), level: match[2] };
}

test('service install --root writes the unit for this node and this copy of Relay Desk; systemd-analyze verifies it and rates its exposure OK', async (t) => {
  const root = await tempDir(t, 'root');
  const installed = await cliOk(['service', 'install', '--root', root]);
  const unitFile = join(root, UNIT);
  assert.match(installed, new RegExp(`^Wrote ${unitFile}\\.$`, 'm'));
  assert.match(installed, /^Nothing was enabled \(--root\)\. On that system: useradd --system --user-group --home-dir \/var\/lib\/relay-desk .* relay-desk, then systemctl enable --now relay-desk\.service\.$/m);
  assert.match(installed, new RegExp(`sudo -u relay-desk ${process.execPath} ${cliEntry} admin-url --data-dir /var/lib/relay-desk .*ssh -L 7025:127\\.0\\.0\\.1:7025 `));
  assert.equal((await stat(unitFile)).mode & 0o777, 0o644);
  const unit = await readFile(unitFile, 'utf8');
  assert.match(unit, new RegExp(`^ExecStart=${process.execPath} ${cliEntry} serve --data-dir /var/lib/relay-desk --secrets file$`, 'm'));

  assert.deepEqual(verify([unitFile]), { code: 0, output: '' });
  const rated = await exposure(unitFile);
  t.diagnostic(`systemd-analyze security: ${rated.score} ${rated.level}`);
  assert.equal(rated.level, 'OK', `exposure ${rated.score}`);

  const status = await cliJson<{ installed: boolean; execStart: string; enabled: string | null }>(['service', 'status', '--root', root]);
  assert.deepEqual(
    { installed: status.installed, execStart: status.execStart, enabled: status.enabled },
    { installed: true, execStart: `${process.execPath} ${cliEntry} serve --data-dir /var/lib/relay-desk --secrets file`, enabled: null },
  );
  const removed = await cliOk(['service', 'uninstall', '--root', root]);
  assert.match(removed, new RegExp(`^Removed ${unitFile}\\.$`, 'm'));
  assert.match(removed, /The data folder \/var\/lib\/relay-desk and the user relay-desk are kept/);
  assert.equal(await exists(unitFile), false);
  assert.match(await cliOk(['service', 'status', '--root', root]), /^Not installed: there is no /);
});

test('systemd-analyze verify does catch a broken unit (a program that is not there)', async (t) => {
  const root = await tempDir(t, 'root');
  await cliOk(['service', 'install', '--root', root]);
  const unitFile = join(root, UNIT);
  const broken = join(root, 'broken.service');
  await writeFile(broken, (await readFile(unitFile, 'utf8')).replace(`ExecStart=${process.execPath}`, 'ExecStart=/nonexistent/node'));
  const verdict = verify([broken]);
  assert.notEqual(verdict.code, 0);
  assert.match(verdict.output, /Command \/nonexistent\/node is not executable/);
});

test("the deb's unit and system user: systemd verifies the unit in a root with the packaged app's path, and sysusers would create relay-desk", async (t) => {
  const root = await tempDir(t, 'deb-root');
  // The deb installs the unit beside systemd's own units; verify --root needs those (targets) too.
  await cp(SYSTEM_UNITS, join(root, SYSTEM_UNITS), { recursive: true });
  await copyFile(join(repoRoot, 'assets/linux/relay-desk.service'), join(root, SYSTEM_UNITS, 'relay-desk.service'));
  const app = join(root, 'opt/Relay Desk');
  await mkdir(app, { recursive: true });
  assert.deepEqual(verify([`--root=${root}`, 'relay-desk.service']), {
    code: 1,
    output: 'relay-desk.service: Command /opt/Relay Desk/relay-desk is not executable: No such file or directory',
  });
  // A stand-in for the packaged Electron binary, which cannot be downloaded here: any executable file.
  await copyFile('/bin/true', join(app, 'relay-desk'));
  assert.deepEqual(verify([`--root=${root}`, 'relay-desk.service']), { code: 0, output: '' });
  const rated = await exposure(join(root, SYSTEM_UNITS, 'relay-desk.service'));
  t.diagnostic(`systemd-analyze security (deb unit): ${rated.score} ${rated.level}`);
  assert.equal(rated.level, 'OK');

  const users = join(root, 'users');
  await mkdir(join(users, 'etc'), { recursive: true });
  const sysusers = spawnSync('systemd-sysusers', ['--dry-run', `--root=${users}`, '-'], {
    input: await readFile(join(repoRoot, 'assets/linux/relay-desk.sysusers.conf')),
    encoding: 'utf8',
  });
  assert.equal(sysusers.status, 0, sysusers.stderr);
  assert.match(sysusers.stdout + sysusers.stderr, /Creating user 'relay-desk' \(Relay Desk\) with UID \d+ and GID \d+\./);
});

test('service install on this machine is refused with the reason: not root, or no systemd running', async (t) => {
  const nobody = await cli(['service', 'install'], { uid: 65534 });
  assertOneLineError(nobody, /^relay-desk: Installing a system service needs root: run it with sudo\.$/);
  if (await exists('/run/systemd/system')) {
    t.skip('systemd runs here: installing for real is not something a test does');
    return;
  }
  assertOneLineError(
    await cli(['service', 'install']),
    /^relay-desk: systemd is not running on this machine \(no \/run\/systemd\/system\), so there is nothing to enable the service in\. Use --root DIR to write the unit for another system\.$/,
  );
  assertOneLineError(await cli(['service', 'uninstall']), /^relay-desk: systemd is not running on this machine/);
  const status = await cliOk(['service', 'status']);
  assert.match(status, /^Not installed: there is no \/etc\/systemd\/system\/relay-desk\.service\./);
});

test('service says what it needs: a subcommand, known flags', async () => {
  for (const [args, reason] of [
    [['service'], /service needs a command: install, uninstall, status; see relay-desk service --help$/],
    [['service', 'start'], /unknown command "service start"; see relay-desk service --help$/],
    [['service', 'install', '--data-dir', '/srv'], /Unknown option '--data-dir'; see relay-desk service install --help$/],
  ] as const) {
    const result = await cli([...args]);
    assertOneLineError(result, reason);
    assert.equal(result.code, 2);
  }
  const help = await cliOk(['service', '--help']);
  assert.match(help, /relay-desk service install .*\n.*relay-desk service uninstall/);
  assert.match(help, /ssh -L 7025:127\.0\.0\.1:7025 HOST/);
});
