/**
 * The systemd unit as text: what it runs and as whom, the hardening the
 * issue asks for, systemd's quoting of the deb's path with a space, and the
 * platforms `relay-desk service` refuses. systemd-analyze checks the same
 * text in e2e/integration/service-install.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requireLinux, ServiceError } from '../service/install.js';
import { PACKAGED_LAUNCH, serviceUnit, systemdWord } from '../service/systemd-unit.js';

/** The unit's [Service] settings as name → every value given (a setting may repeat). */
function serviceSettings(unit: string): Map<string, string[]> {
  const section = unit.split(/^\[Service\]$/m)[1]?.split(/^\[/m)[0] ?? '';
  const settings = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (match?.[1] && match[2] !== undefined) settings.set(match[1], [...(settings.get(match[1]) ?? []), match[2]]);
  }
  return settings;
}

const NODE_LAUNCH = { command: ['/usr/bin/node', '/opt/relay-desk/dist/electron/cli.js'] };

test('the unit runs serve as the relay-desk user on /var/lib/relay-desk with the key in a file, restarting it if it fails', () => {
  const settings = serviceSettings(serviceUnit(NODE_LAUNCH));
  assert.deepEqual(settings.get('ExecStart'), ['/usr/bin/node /opt/relay-desk/dist/electron/cli.js serve --data-dir /var/lib/relay-desk --secrets file']);
  assert.deepEqual(settings.get('User'), ['relay-desk']);
  assert.deepEqual(settings.get('Group'), ['relay-desk']);
  assert.deepEqual(settings.get('StateDirectory'), ['relay-desk']);
  assert.deepEqual(settings.get('StateDirectoryMode'), ['0700']);
  assert.deepEqual(settings.get('Restart'), ['on-failure']);
  assert.equal(settings.get('Environment'), undefined, 'the unit passes no environment');
  assert.match(serviceUnit(NODE_LAUNCH), /^\[Install\]\nWantedBy=multi-user\.target$/m);
});

test('the unit is hardened: no new privileges, a read-only system but the data folder, and only the right to bind ports below 1024', () => {
  const settings = serviceSettings(serviceUnit(NODE_LAUNCH));
  assert.deepEqual(settings.get('NoNewPrivileges'), ['yes']);
  assert.deepEqual(settings.get('ProtectSystem'), ['strict']);
  assert.deepEqual(settings.get('ReadWritePaths'), ['/var/lib/relay-desk']);
  assert.deepEqual(settings.get('CapabilityBoundingSet'), ['CAP_NET_BIND_SERVICE']);
  assert.deepEqual(settings.get('AmbientCapabilities'), ['CAP_NET_BIND_SERVICE'], 'ports 25 and 80 as a user that is not root');
  assert.deepEqual(settings.get('ProtectHome'), ['yes']);
  assert.deepEqual(settings.get('UMask'), ['0077']);
  assert.deepEqual(settings.get('SystemCallFilter'), ['@system-service @pkey', '~@privileged']);
  assert.deepEqual(settings.get('SystemCallErrorNumber'), ['EPERM'], 'a call outside the filter fails rather than killing the relay');
  assert.equal(settings.get('MemoryDenyWriteExecute'), undefined, "V8's JIT needs writable code pages");
});

test('an app kept under a home folder keeps it readable to the service (ProtectHome=read-only), not hidden', () => {
  const settings = serviceSettings(serviceUnit({ command: ['/usr/bin/node', '/home/anna/relay-desk/dist/electron/cli.js'] }));
  assert.deepEqual(settings.get('ProtectHome'), ['read-only']);
});

test('the deb unit runs serve in the packaged Electron binary itself, headless (its RunAsNode fuse is off), its path with a space quoted as systemd reads it', () => {
  const settings = serviceSettings(serviceUnit(PACKAGED_LAUNCH));
  assert.equal(settings.get('Environment'), undefined, 'no ELECTRON_RUN_AS_NODE: the packaged binary ignores it');
  assert.deepEqual(settings.get('ExecStart'), [
    '"/opt/Relay Desk/relay-desk" --ozone-platform=headless --disable-gpu --no-sandbox serve --data-dir /var/lib/relay-desk --secrets file',
  ]);
});

test('systemd words: specifiers and variables escaped, spaces and quotes quoted', () => {
  assert.equal(systemdWord('/usr/bin/node'), '/usr/bin/node');
  assert.equal(systemdWord('/opt/100%/a$b'), '/opt/100%%/a$$b');
  assert.equal(systemdWord('/opt/Relay Desk/x'), '"/opt/Relay Desk/x"');
  assert.equal(systemdWord('say "hi"\\'), '"say \\"hi\\"\\\\"');
});

test('relay-desk service is for Linux: Windows and macOS are told what covers them instead', () => {
  assert.doesNotThrow(() => requireLinux('linux'));
  assert.throws(
    () => requireLinux('win32'),
    (err: unknown) =>
      err instanceof ServiceError &&
      err.code === 'unsupported_platform' &&
      err.message ===
        'relay-desk service works with systemd on Linux only. On Windows the desktop app runs the relay; a Windows service or scheduled task is not available yet.',
  );
  assert.throws(() => requireLinux('darwin'), /systemd on Linux only\. On this system the desktop app runs the relay/);
});
