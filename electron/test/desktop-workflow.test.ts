/**
 * .github/workflows/desktop.yml runs only on a public CI runner, where
 * Electron can be downloaded; here its structure is checked (actionlint
 * checked its expressions when it was written): the three systems, the
 * installers each builds, signing secrets used only when the secret store
 * has them, the smoke test's app and the artifacts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on': string;
  strategy: { matrix: { include: Record<string, string>[] } };
  env: Record<string, string>;
  steps: Step[];
}

const projectFile = (name: string) => new URL(`../../../${name}`, import.meta.url);
const workflow = yaml.load(readFileSync(projectFile('.github/workflows/desktop.yml'), 'utf8')) as { on: Record<string, unknown>; jobs: Record<string, Job> };
const job = workflow.jobs.installers;
assert.ok(job, 'the installers job');
const steps = job.steps;
const matrix = job.strategy.matrix.include;
const runs = (pattern: RegExp) => steps.filter((step) => pattern.test(step.run ?? ''));

test('it runs on pushes to main, pull requests and by hand, on Windows, macOS and Linux, each making its own installers', () => {
  assert.deepEqual(Object.keys(workflow.on).sort(), ['pull_request', 'push', 'workflow_dispatch']);
  assert.equal(job['runs-on'], '${{ matrix.os }}');
  assert.deepEqual(
    matrix.map((m) => [m.os, m.platform, m.targets]),
    [
      ['windows-latest', '--win', 'nsis'],
      ['macos-latest', '--mac', 'dmg'],
      ['ubuntu-latest', '--linux', 'AppImage deb'],
    ],
  );
});

test('npm ci, the build, then electron-builder, in that order', () => {
  const at = (pattern: RegExp) => steps.findIndex((step) => pattern.test(step.run ?? ''));
  const order = [at(/^npm ci$/), at(/^npm run build$/), at(/^npx electron-builder \$\{\{ matrix\.platform \}\} \$\{\{ matrix\.targets \}\} --publish never$/)];
  assert.ok(order.every((index) => index >= 0), JSON.stringify(order));
  assert.deepEqual([...order].sort((a, b) => a - b), order);
});

test('the signing secrets are read only by the signed build, which runs only when the secret store has them', () => {
  const secretSteps = steps.filter((step) => JSON.stringify(step).includes('secrets.'));
  assert.equal(secretSteps.length, 1);
  const [signed] = secretSteps;
  assert.equal(signed?.if, "env.SIGNING == 'true'");
  assert.deepEqual(Object.keys(signed.env ?? {}).sort(), ['APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_ID', 'APPLE_TEAM_ID', 'CSC_KEY_PASSWORD', 'CSC_LINK']);
  assert.equal(job.env.SIGNING, "${{ secrets.CSC_LINK != '' }}");
  const unsigned = steps.find((step) => step.name === 'Installers, unsigned');
  assert.equal(unsigned?.if, "env.SIGNING != 'true'");
  assert.equal(unsigned.env?.CSC_IDENTITY_AUTO_DISCOVERY, 'false', 'no certificate found by chance');
});

test('the installers are uploaded as artifacts', () => {
  const upload = steps.find((step) => step.uses?.startsWith('actions/upload-artifact@'));
  assert.equal(upload?.with?.path, '${{ matrix.installers }}');
  assert.equal(upload.with['if-no-files-found'], 'error');
  assert.deepEqual(
    matrix.map((m) => m.installers?.trim().split('\n')),
    [['release/*.exe'], ['release/*.dmg'], ['release/*.AppImage', 'release/*.deb']],
  );
});

test('the smoke test runs npm run test:electron against its own build of the app, in Xvfb on Linux', () => {
  assert.equal(runs(/--config e2e\/electron\/smoke-build\.yml/).length, 1);
  const smoke = runs(/npm run test:electron$/);
  assert.deepEqual(
    smoke.map((step) => [step.if, step.run, step.env?.RELAY_DESK_APP]),
    [
      ["runner.os == 'Linux'", 'xvfb-run --auto-servernum npm run test:electron', '${{ matrix.app }}'],
      ["runner.os != 'Linux'", 'npm run test:electron', '${{ matrix.app }}'],
    ],
  );
  for (const m of matrix) assert.match(String(m.app), /^release-smoke\//);
});

test("on Linux the deb is installed and its systemd service started, answering on 2525, and stopped", () => {
  const service = steps.find((step) => step.name === "The deb's systemd service");
  assert.equal(service?.if, "runner.os == 'Linux'");
  for (const command of ['apt-get install -y ./release/*.deb', 'systemd-sysusers relay-desk.conf', 'systemctl start relay-desk', 'systemctl stop relay-desk']) {
    assert.ok(service.run?.includes(command), command);
  }
});

test('the smoke test’s build is the shipped configuration with only the --inspect fuse back on, in its own folder', () => {
  const smoke = yaml.load(readFileSync(projectFile('e2e/electron/smoke-build.yml'), 'utf8'));
  assert.deepEqual(smoke, { extends: 'electron-builder.yml', directories: { output: 'release-smoke' }, electronFuses: { enableNodeCliInspectArguments: true } });
});
