/**
 * The packaged binary's command lines: which go to the CLI (run headless,
 * since the binary cannot act as Node) and which open the desktop app, and
 * the Chromium switches the systemd unit passes kept out of the CLI's way.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GROUPS } from '../cli/run.js';
import { HEADLESS_SWITCHES, isCommandLine, userArguments } from '../headless-args.js';

const COMMANDS = GROUPS.map((group) => group.name);
const BINARY = '/opt/Relay Desk/relay-desk';

test("the unit's command line reaches the CLI as `serve …`, the Chromium switches dropped wherever they stand", () => {
  const args = userArguments([BINARY, ...HEADLESS_SWITCHES, 'serve', '--data-dir', '/var/lib/relay-desk', '--secrets', 'file'], false);
  assert.deepEqual(args, ['serve', '--data-dir', '/var/lib/relay-desk', '--secrets', 'file']);
  assert.equal(isCommandLine(args, COMMANDS), true);
  assert.deepEqual(userArguments([BINARY, 'status', '--no-sandbox', '--json'], false), ['status', '--json']);
});

test('an unpackaged app (`electron . status`) has its folder before the arguments', () => {
  assert.deepEqual(userArguments(['/usr/lib/electron/electron', '.', 'status'], true), ['status']);
  assert.deepEqual(userArguments(['/usr/lib/electron/electron', '.'], true), []);
});

test('every command and a request for help are the CLI’s; no arguments, switches or anything else open the desktop app', () => {
  for (const command of ['serve', 'status', 'user', 'service', 'help', '--help', '-h']) assert.equal(isCommandLine([command], COMMANDS), true, command);
  assert.equal(isCommandLine([], COMMANDS), false, 'a double-click');
  assert.equal(isCommandLine(['--inspect=0', '--remote-debugging-port=0'], COMMANDS), false, 'a test driver’s switches');
  assert.equal(isCommandLine(['-psn_0_12345'], COMMANDS), false, 'macOS Finder’s process serial number');
  assert.equal(isCommandLine(['serve-me'], COMMANDS), false);
});
