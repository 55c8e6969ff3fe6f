/**
 * The data folder is private to the user running Relay Desk: one that other
 * users could read is tightened at start (said once), and what the host and
 * its relay write while running is private from the start.
 */
import assert from 'node:assert/strict';
import { chmod, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { ok } from '../fixtures/api.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';
import { tempDir } from '../fixtures/temp.js';

/** Every folder and file under dir, with its permission bits. */
async function modesUnder(dir: string): Promise<Map<string, number>> {
  const modes = new Map<string, number>([[dir, (await stat(dir)).mode & 0o777]]);
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile() || entry.isDirectory()) modes.set(path, (await stat(path)).mode & 0o777);
  }
  return modes;
}

function loose(modes: Map<string, number>): string[] {
  return [...modes].filter(([, mode]) => (mode & 0o077) !== 0).map(([path, mode]) => `${path} ${mode.toString(8)}`);
}

const NOTICE = /^Relay Desk made its data folder .* private to this user/;

test('what the host and the relay write is private to this user: folders 0700, files 0600', async (t) => {
  const relay = await startRelayDesk(t);
  await ok(relay, 'users.create', {});
  await ok(relay, 'lists.create', { name: 'Scanners' });
  // A verification code is mail the relay spools (direct delivery to a domain that resolves nowhere here: it stays queued).
  await ok(relay, 'upstream.setDirect', {});
  await ok(relay, 'senders.addAddress', { address: 'anna@company.example' });
  const modes = await modesUnder(relay.dataDir);
  assert.ok([...modes.keys()].some((p) => p.includes(`${join(relay.dataDir, 'spool')}/`)), 'the relay spooled the code mail');
  assert.deepEqual(loose(modes), []);
  assert.equal(modes.get(relay.dataDir), 0o700);
  assert.equal(relay.proc.lines.filter((l) => NOTICE.test(l)).length, 0, 'nothing to tighten in a folder Relay Desk made');
});

test('a data folder other users could read is made private at start, and the host says so once', async (t) => {
  const dataDir = await tempDir(t, 'data');
  const first = await startRelayDesk(t, { dataDir });
  await ok(first, 'users.create', {});
  await first.interrupt();

  // As a folder made by hand or restored from a backup would be.
  for (const [path] of await modesUnder(dataDir)) {
    const isFolder = (await stat(path)).isDirectory();
    await chmod(path, isFolder ? 0o755 : 0o644);
  }
  assert.ok(loose(await modesUnder(dataDir)).length >= 4);

  const second = await startRelayDesk(t, { dataDir });
  const notices = second.proc.lines.filter((l) => NOTICE.test(l));
  assert.equal(notices.length, 1, second.proc.lines.join('\n'));
  assert.match(notices[0] ?? '', /\(the folder was 0755, .*settings\.json was 0644.*\)\. Folders are now 0700 and files 0600\.$/);
  const modes = await modesUnder(dataDir);
  assert.equal(modes.get(dataDir), 0o700);
  assert.equal(modes.get(join(dataDir, 'settings.json')), 0o600);
  assert.equal(modes.get(join(dataDir, 'spool')), 0o700);
  // What lies in the subfolders is out of other users' reach through them.
  assert.deepEqual(
    loose(modes).filter((entry) => entry.startsWith(`${dataDir}/`) && !entry.slice(dataDir.length + 1).includes('/')),
    [],
  );
  await second.interrupt();

  const third = await startRelayDesk(t, { dataDir });
  assert.equal(third.proc.lines.filter((l) => NOTICE.test(l)).length, 0, 'said once: nothing left to tighten');
});
