/**
 * DirSync's sharing of directory fsyncs. DirSync opens the directory with
 * node:fs/promises and calls sync() on the FileHandle it gets; FileHandle's
 * sync is a method of its prototype, so the test replaces it there (with
 * t.mock.method, undone after each test) to count the fsyncs and to hold one
 * open while more callers arrive. The real fsync still runs underneath.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { DirSync } from '../queue/dir-sync.js';

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'relay-desk-dirsync-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

interface SyncProbe {
  started: number;
  finished: number;
  /** Resolves when the n-th fsync (1-based) has started. */
  whenStarted(n: number): Promise<void>;
  /** Lets the n-th fsync finish (each fsync waits for this when holding is on). */
  release(n: number): void;
}

/** Replaces FileHandle.prototype.sync with a counting wrapper; with `hold`, each fsync waits for release(n). */
async function probeSyncs(t: TestContext, dir: string, hold: boolean): Promise<SyncProbe> {
  const sample = await open(dir, 'r');
  const proto = Object.getPrototypeOf(sample) as FileHandle;
  await sample.close();
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the handle as this
  const realSync = proto.sync;
  const startWaiters = new Map<number, () => void>();
  const releases = new Map<number, () => void>();
  const released = new Set<number>();
  const probe: SyncProbe = {
    started: 0,
    finished: 0,
    whenStarted: (n) => (probe.started >= n ? Promise.resolve() : new Promise((resolve) => startWaiters.set(n, resolve))),
    release: (n) => {
      released.add(n);
      releases.get(n)?.();
    },
  };
  t.mock.method(proto, 'sync', async function sync(this: FileHandle): Promise<void> {
    const n = ++probe.started;
    startWaiters.get(n)?.();
    if (hold && !released.has(n)) await new Promise<void>((resolve) => releases.set(n, resolve));
    await realSync.call(this);
    probe.finished++;
  });
  return probe;
}

test('50 concurrent sync() calls are served by two fsyncs: the running one and one shared next run', async (t) => {
  const dir = await tempDir(t);
  const probe = await probeSyncs(t, dir, false);
  const dirSync = new DirSync(dir);
  await Promise.all(Array.from({ length: 50 }, () => dirSync.sync()));
  assert.equal(probe.started, 2);
  assert.equal(probe.finished, 2);
});

test('a call made while a sync runs resolves only after a later fsync has started and finished', async (t) => {
  const dir = await tempDir(t);
  const probe = await probeSyncs(t, dir, true);
  const dirSync = new DirSync(dir);
  const settled: string[] = [];

  const first = dirSync.sync().then(() => settled.push(`first after ${probe.finished} fsync(s)`));
  await probe.whenStarted(1);
  // These arrive while fsync 1 runs: their renames may not be covered by it.
  const late = [1, 2, 3].map((i) => dirSync.sync().then(() => settled.push(`late ${i} after ${probe.finished} fsync(s)`)));

  probe.release(1);
  await first;
  await probe.whenStarted(2);
  assert.deepEqual(settled, ['first after 1 fsync(s)'], 'late callers are still waiting while fsync 2 runs');
  probe.release(2);
  await Promise.all(late);
  assert.deepEqual(settled, ['first after 1 fsync(s)', 'late 1 after 2 fsync(s)', 'late 2 after 2 fsync(s)', 'late 3 after 2 fsync(s)']);
  assert.equal(probe.started, 2);
});

test('calls made one after another each get their own fsync', async (t) => {
  const dir = await tempDir(t);
  const probe = await probeSyncs(t, dir, false);
  const dirSync = new DirSync(dir);
  for (let i = 1; i <= 3; i++) {
    await dirSync.sync();
    assert.equal(probe.finished, i);
  }
});

test('a call made while the shared next run is already queued joins it instead of queuing a third', async (t) => {
  const dir = await tempDir(t);
  const probe = await probeSyncs(t, dir, true);
  const dirSync = new DirSync(dir);
  const first = dirSync.sync();
  await probe.whenStarted(1);
  const early = dirSync.sync();
  await new Promise((resolve) => setImmediate(resolve));
  const later = dirSync.sync();
  probe.release(1);
  await first;
  await probe.whenStarted(2);
  probe.release(2);
  await Promise.all([early, later]);
  assert.equal(probe.started, 2);
  // A call after everything settled starts afresh.
  probe.release(3);
  await dirSync.sync();
  assert.equal(probe.started, 3);
});

test('a change marked while a sync runs is durable only once a sync started after it has finished', async (t) => {
  const dir = await tempDir(t);
  const probe = await probeSyncs(t, dir, true);
  const dirSync = new DirSync(dir);
  const before = dirSync.mark();
  assert.equal(dirSync.durable(before), false, 'no sync yet');
  const first = dirSync.sync();
  await probe.whenStarted(1);
  const during = dirSync.mark();
  const next = dirSync.sync();
  probe.release(1);
  await first;
  assert.equal(dirSync.durable(before), true, 'covered by the sync that started after it');
  assert.equal(dirSync.durable(during), false, 'the running sync may have missed it');
  await probe.whenStarted(2);
  probe.release(2);
  await next;
  assert.equal(dirSync.durable(during), true);
});

test('a directory that cannot be opened makes sync() reject, and a later call tries again', async (t) => {
  const dir = await tempDir(t);
  const missing = join(dir, 'not-there');
  const dirSync = new DirSync(missing);
  await assert.rejects(dirSync.sync(), { code: 'ENOENT' });
  await assert.rejects(dirSync.sync(), { code: 'ENOENT' });
  await mkdir(missing);
  await dirSync.sync();
});

test('after a failed sync that had a caller waiting, later concurrent calls sync again instead of getting the old error', async (t) => {
  const parent = await mkdtemp(join(tmpdir(), 'relay-desk-dirsync-'));
  t.after(() => rm(parent, { recursive: true, force: true }));
  const dir = join(parent, 'spool');
  const dirSync = new DirSync(dir);
  // The directory is missing: the running sync fails, and the caller that waited for the next one fails with it.
  const failed = await Promise.allSettled([dirSync.sync(), dirSync.sync()]);
  assert.deepEqual(failed.map((r) => r.status), ['rejected', 'rejected']);
  await mkdir(dir);
  // The problem is gone: a sync and one arriving while it runs must both succeed.
  await Promise.all([dirSync.sync(), dirSync.sync()]);
});
