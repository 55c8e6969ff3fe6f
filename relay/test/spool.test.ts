/**
 * The spool on a real file system, in a temporary folder per test: what a
 * restarted spool finds after commits, aborts and a crash's leftovers.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { test, type TestContext } from 'node:test';
import { initialState, metaLine, newQueueId, Spool, type MessageMeta, type QueueState, type StoredMessage } from '../queue/spool.js';
import { startSpool } from './start-spool.js';

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'relay-desk-spool-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A started spool in a folder of its own. */
async function openSpool(t: TestContext): Promise<{ dir: string; spool: Spool }> {
  const dir = await tempDir(t);
  const spool = new Spool(dir);
  await startSpool(spool);
  return { dir, spool };
}

function meta(id: string, over: Partial<MessageMeta> = {}): MessageMeta {
  return {
    v: 1,
    id,
    envelope: { from: 'scanner@office.example', to: ['boss@example.org', 'clerk@example.net'] },
    user: 'scanner',
    via: 'auth',
    priority: 3,
    acceptedAt: 1_790_000_000_000,
    from: 'Scanner <scanner@office.example>',
    subject: 'Scan 0042',
    fromDomain: 'office.example',
    campaign: { name: 'Spring', code: '42' },
    tls: true,
    ...over,
  };
}

/** Headers, a body with every byte value, a JSON-looking line and more than the 64 KiB the metadata reader looks at. */
function sampleBody(): Buffer {
  const every = Buffer.alloc(256);
  for (let i = 0; i < 256; i++) every[i] = i;
  return Buffer.concat([
    Buffer.from('Subject: Scan 0042\r\n\r\n{"v":1,"id":"NOT-META"}\n.\r\n\n.\n'),
    every,
    Buffer.alloc(200 * 1024, 'x'),
    Buffer.from('\r\nend\r\n'),
  ]);
}

async function readAll(stream: Buffer | NodeJS.ReadableStream): Promise<Buffer> {
  if (Buffer.isBuffer(stream)) return stream;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function writeCommitted(spool: Spool, m: MessageMeta, body: Buffer): Promise<StoredMessage> {
  const { stream, commit } = spool.create(m.id);
  stream.write(metaLine(m));
  stream.end(body);
  await finished(stream);
  return commit(m, metaLine(m).length);
}

test('create() then commit() leaves one .msg: the metadata line, then the body exactly as written', async (t) => {
  const dir = await tempDir(t);
  const spool = new Spool(dir);
  assert.deepEqual(await startSpool(spool), []);
  const id = newQueueId();
  const m = meta(id);
  const body = sampleBody();
  await writeCommitted(spool, m, body);

  assert.deepEqual(await readdir(dir), [`${id}.msg`]);
  const file = await readFile(join(dir, `${id}.msg`));
  const newline = file.indexOf(0x0a);
  assert.deepEqual(JSON.parse(file.subarray(0, newline).toString('utf8')), m);
  assert.ok(file.subarray(newline + 1).equals(body), 'the file holds the body after the first line');

  const found = await startSpool(new Spool(dir));
  assert.equal(found.length, 1);
  const stored = found[0] as StoredMessage;
  assert.deepEqual(stored.meta, m);
  assert.equal(stored.bodyOffset, metaLine(m).length);
  assert.deepEqual(stored.state, initialState(m));
  assert.ok((await readAll(spool.openBody(stored))).equals(body), 'openBody gives back exactly the body');
});

test('nothing is in the queue before commit(), and abort() leaves no file behind', async (t) => {
  const { dir, spool } = await openSpool(t);
  const id = newQueueId();
  const { stream, abort } = spool.create(id);
  stream.write(metaLine(meta(id)));
  await new Promise((resolve) => stream.write('Subject: half a message\r\n', resolve));
  assert.ok(!(await readdir(dir)).some((name) => name.endsWith('.msg')), 'no .msg before commit');
  await abort();
  assert.deepEqual(await readdir(dir), []);
  assert.deepEqual(await startSpool(new Spool(dir)), []);
});

test('opening removes unfinished .tmp files and orphan .state files and keeps unrelated files', async (t) => {
  const { dir, spool } = await openSpool(t);
  const kept = meta(newQueueId());
  await spool.writeWhole(kept, Buffer.from('Subject: kept\r\n\r\nbody\r\n'));
  const crashed = newQueueId();
  const orphan = newQueueId();
  await writeFile(join(dir, `${crashed}.tmp`), 'half a message');
  await writeFile(join(dir, `${kept.id}.state.tmp`), '{"attempts":');
  await writeFile(join(dir, `${orphan}.state`), JSON.stringify(initialState(meta(orphan))));
  await writeFile(join(dir, 'README.txt'), 'not a queue file');

  const found = await startSpool(new Spool(dir));
  assert.deepEqual(
    found.map((s) => s.meta.id),
    [kept.id],
  );
  assert.deepEqual((await readdir(dir)).sort(), [`${kept.id}.msg`, 'README.txt'].sort());
});

test('saved delivery state is what a restarted spool loads for the message', async (t) => {
  const { dir, spool } = await openSpool(t);
  const m = meta(newQueueId());
  await writeCommitted(spool, m, Buffer.from('Subject: s\r\n\r\nb\r\n'));
  const state: QueueState = {
    attempts: 2,
    nextAttemptAt: m.acceptedAt + 600_000,
    pending: ['clerk@example.net'],
    failed: [{ recipient: 'boss@example.org', status: 'failed', code: 550, response: '550 5.1.1 no such user' }],
    lastError: 'connect ECONNREFUSED',
  };
  await spool.saveState(m.id, state);
  const [stored] = await startSpool(new Spool(dir));
  assert.deepEqual(stored?.state, state);
  // Saving again replaces the state, and leaves no temporary file.
  await spool.saveState(m.id, { ...state, attempts: 3, pending: [] });
  const [again] = await startSpool(new Spool(dir));
  assert.equal(again?.state.attempts, 3);
  assert.deepEqual(again.state.pending, []);
  assert.deepEqual((await readdir(dir)).sort(), [`${m.id}.msg`, `${m.id}.state`]);
});

test('writeWhole() commits a message held in memory and reports where its body starts', async (t) => {
  const { dir, spool } = await openSpool(t);
  const m = meta(newQueueId(), { via: 'bounce', envelope: { from: '', to: ['scanner@office.example'] }, campaign: null });
  const body = Buffer.from('From: MAILER-DAEMON@relay.test\r\nSubject: Undelivered\r\n\r\nsorry\r\n');
  const written = await spool.writeWhole(m, body);
  assert.equal(written.bodyOffset, metaLine(m).length);
  assert.deepEqual(written.state, initialState(m));
  assert.deepEqual(await readdir(dir), [`${m.id}.msg`]);
  assert.ok((await readAll(spool.openBody(written))).equals(body));
  const [stored] = await startSpool(new Spool(dir));
  // Held in memory until delivered; what is on disk says the same.
  assert.ok(written.held);
  assert.deepEqual(stored, { meta: written.meta, bodyOffset: written.bodyOffset, state: written.state });
});

test('remove() deletes the message and its state, and a restarted spool no longer lists it', async (t) => {
  const { dir, spool } = await openSpool(t);
  const gone = meta(newQueueId());
  const stays = meta(newQueueId());
  const written = await spool.writeWhole(gone, Buffer.from('a\r\n'));
  await spool.writeWhole(stays, Buffer.from('b\r\n'));
  // A deferred message has a state file beside it.
  written.state = { ...initialState(gone), attempts: 1 };
  await spool.saveState(gone.id, written.state);
  await spool.remove(written);
  // The file stays as a spare for the next message; it is no message.
  assert.deepEqual((await readdir(dir)).sort(), [`${gone.id}.spare`, `${stays.id}.msg`].sort());
  assert.deepEqual(
    (await startSpool(new Spool(dir))).map((s) => s.meta.id),
    [stays.id],
  );
  await spool.remove(written); // removing twice is harmless
});

test('a restarted spool loads every queued message, whatever the length of its metadata line, each with its own state', async (t) => {
  const { dir, spool } = await openSpool(t);
  const written: MessageMeta[] = [];
  for (let i = 0; i < 100; i++) {
    // Every tenth has 300 recipients: a metadata line of some 9 KB, past the first read's 4 KB.
    const to = Array.from({ length: i % 10 === 0 ? 300 : 1 }, (_, r) => `rcpt${r}@example.org`);
    const m = meta(newQueueId(), { envelope: { from: 'clerk@example.com', to }, subject: `message ${i}` });
    await writeCommitted(spool, m, Buffer.from(`Subject: message ${i}\r\n\r\nbody ${i}\r\n`));
    if (i % 3 === 0) await spool.saveState(m.id, { ...initialState(m), attempts: i });
    written.push(m);
  }
  const loaded = await startSpool(new Spool(dir));
  assert.equal(loaded.length, 100);
  const byId = new Map(loaded.map((m) => [m.meta.id, m]));
  for (const [i, m] of written.entries()) {
    const stored = byId.get(m.id);
    assert.deepEqual(stored?.meta, m);
    assert.equal(stored.state.attempts, i % 3 === 0 ? i : 0);
    assert.equal((await readFile(join(dir, `${m.id}.msg`))).subarray(stored.bodyOffset).toString(), `Subject: message ${i}\r\n\r\nbody ${i}\r\n`);
  }
});

test('queue ids sort by the time they were made and are unique over 10,000 calls', (t) => {
  const ids = new Set<string>();
  for (let i = 0; i < 10_000; i++) ids.add(newQueueId());
  assert.equal(ids.size, 10_000);
  for (const id of ids) assert.match(id, /^[0-9A-Z]{8,40}$/, 'safe as a file name and accepted by open()');

  const times = [1_700_000_000_000, 1_700_000_000_001, 1_700_000_086_400, 1_760_000_000_000, 1_900_000_000_000];
  const now = t.mock.method(Date, 'now', () => times[0]);
  const made = times.map((time) => {
    now.mock.mockImplementation(() => time);
    return newQueueId();
  });
  assert.deepEqual([...made].sort(), made);
});

test('message and state files are readable by the owner only, and a new spool folder is private', async (t) => {
  const parent = await tempDir(t);
  const dir = join(parent, 'spool', 'nested');
  const spool = new Spool(dir);
  await startSpool(spool);
  assert.equal((await stat(dir)).mode & 0o777, 0o700);

  const streamed = meta(newQueueId());
  await writeCommitted(spool, streamed, Buffer.from('x\r\n'));
  const whole = meta(newQueueId());
  await spool.writeWhole(whole, Buffer.from('y\r\n'));
  await spool.saveState(whole.id, initialState(whole));
  for (const name of [`${streamed.id}.msg`, `${whole.id}.msg`, `${whole.id}.state`]) {
    assert.equal((await stat(join(dir, name))).mode & 0o777, 0o600, name);
  }
});

test('an unreadable queue file is moved aside with the reason, the others load, and a damaged progress file starts over', async (t) => {
  const { dir, spool } = await openSpool(t);
  const good = await spool.writeWhole(meta(newQueueId()), Buffer.from('good\r\n'));
  const damagedState = await spool.writeWhole(meta(newQueueId()), Buffer.from('state\r\n'));
  await writeFile(join(dir, `${damagedState.meta.id}.state`), '{ not json');
  const broken = newQueueId();
  await writeFile(join(dir, `${broken}.msg`), 'this is not a metadata line\nbody');
  const restarted = new Spool(dir);
  const loaded = await startSpool(restarted);
  assert.deepEqual(loaded.map((m) => m.meta.id).sort(), [good.meta.id, damagedState.meta.id].sort());
  assert.deepEqual(loaded.find((m) => m.meta.id === damagedState.meta.id)?.state, initialState(damagedState.meta));
  assert.equal(restarted.setAside.length, 1);
  assert.equal(restarted.setAside[0]?.file, join(dir, 'unreadable', `${broken}.msg`));
  assert.match(restarted.setAside[0].reason, /JSON|Unexpected/);
  assert.equal(await readFile(join(dir, 'unreadable', `${broken}.msg`), 'utf8'), 'this is not a metadata line\nbody', 'kept byte for byte');
});

test('a removed message file is reused for the next one, also after a restart, and bytes left in a spare never leak into it', async (t) => {
  const { dir, spool } = await openSpool(t);
  const first = await writeCommitted(spool, meta(newQueueId()), Buffer.from('Subject: first\r\n\r\n' + 'x'.repeat(5000)));
  await spool.remove(first);
  // Until a directory sync covers the rename to .spare, the spare is not overwritten: the next message gets a file of its own.
  const between = await writeCommitted(spool, meta(newQueueId()), Buffer.from('Subject: between\r\n\r\nbody\r\n'));
  assert.deepEqual((await readdir(dir)).sort(), [`${first.meta.id}.spare`, `${between.meta.id}.msg`].sort());
  const second = meta(newQueueId());
  const secondStored = await writeCommitted(spool, second, Buffer.from('Subject: second\r\n\r\nshort\r\n'));
  assert.deepEqual((await readdir(dir)).sort(), [`${between.meta.id}.msg`, `${second.id}.msg`].sort(), 'the spare became the new message');
  const secondBytes = `${metaLine(second).toString('utf8')}Subject: second\r\n\r\nshort\r\n`;
  assert.equal(await readFile(join(dir, `${second.id}.msg`), 'utf8'), secondBytes, 'overwritten in place and cut to the new length');
  assert.deepEqual((await startSpool(new Spool(dir))).map((m) => m.meta.id).sort(), [between.meta.id, second.id].sort());

  // A longer message in a shorter spare, once another commit's directory sync has covered the spare.
  await spool.remove(secondStored);
  const filler = await writeCommitted(spool, meta(newQueueId()), Buffer.from('Subject: filler\r\n\r\nbody\r\n'));
  const longer = meta(newQueueId());
  const longerBody = Buffer.from('Subject: longer\r\n\r\n' + 'z'.repeat(9000));
  await writeCommitted(spool, longer, longerBody);
  assert.ok((await readFile(join(dir, `${longer.id}.msg`))).equals(Buffer.concat([metaLine(longer), longerBody])));
  const queued = [between.meta.id, filler.meta.id, longer.id].sort();
  assert.deepEqual((await readdir(dir)).sort(), queued.map((id) => `${id}.msg`), 'the shorter spare was reused');

  // A crash between the rename and the emptying leaves a spare with old bytes; it is emptied on reuse.
  const crashed = `${newQueueId()}.spare`;
  await writeFile(join(dir, crashed), 'old message bytes '.repeat(1000));
  const restarted = new Spool(dir);
  assert.deepEqual((await startSpool(restarted)).map((m) => m.meta.id).sort(), queued);
  assert.equal((await stat(join(dir, crashed))).size, 0, 'emptied at start, not when a message needs it');
  const third = meta(newQueueId());
  const stored = await writeCommitted(restarted, third, Buffer.from('Subject: third\r\n\r\nshort\r\n'));
  assert.ok(!(await readdir(dir)).includes(crashed));
  const file = await readFile(join(dir, `${third.id}.msg`));
  assert.equal(file.toString('utf8'), `${metaLine(third).toString('utf8')}Subject: third\r\n\r\nshort\r\n`);
  assert.ok((await readAll(restarted.openBody(stored))).equals(Buffer.from('Subject: third\r\n\r\nshort\r\n')));
});

test('a large message is streamed to its file, not held in memory, and read back from the file', async (t) => {
  const { dir, spool } = await openSpool(t);
  const m = meta(newQueueId());
  const big = Buffer.concat([Buffer.from('Subject: big\r\n\r\n'), Buffer.alloc(3 * 1024 * 1024, 'y')]);
  const { stream, commit } = spool.create(m.id);
  stream.write(metaLine(m));
  for (let at = 0; at < big.length; at += 64 * 1024) stream.write(big.subarray(at, at + 64 * 1024));
  stream.end();
  await finished(stream);
  assert.equal(stream.streamed, true);
  const stored = await commit(m, metaLine(m).length);
  assert.equal(stored.held, undefined);
  const body = spool.openBody(stored);
  assert.ok(!Buffer.isBuffer(body), 'a stream of the file');
  assert.ok((await readAll(body)).equals(big));

  // Kept for reuse, but emptied: 512 spares of this size would hold gigabytes of disk.
  await spool.remove(stored);
  assert.equal((await stat(join(dir, `${m.id}.spare`))).size, 0);
});

test('a delivered message\'s file that came back after a crash holding the next, unconfirmed message is a spare, not a message', async (t) => {
  const { dir, spool } = await openSpool(t);
  const delivered = meta(newQueueId());
  const unconfirmed = meta(newQueueId());
  // The rename to .spare never reached the disk; the next message's bytes did.
  await writeFile(join(dir, `${delivered.id}.msg`), Buffer.concat([metaLine(unconfirmed), Buffer.from('Subject: next\r\n\r\nbody\r\n')]));
  await writeFile(join(dir, `${delivered.id}.state`), JSON.stringify({ ...initialState(delivered), attempts: 2 }));
  const kept = meta(newQueueId());
  await writeCommitted(spool, kept, Buffer.from('Subject: kept\r\n\r\nbody\r\n'));

  const restarted = new Spool(dir);
  assert.deepEqual((await startSpool(restarted)).map((m) => m.meta.id), [kept.id], 'neither the old nor the unconfirmed message is delivered');
  assert.deepEqual((await readdir(dir)).sort(), [`${delivered.id}.spare`, `${kept.id}.msg`].sort());
  assert.deepEqual(restarted.setAside, [], 'nothing is reported unreadable');
  const next = meta(newQueueId());
  await writeCommitted(restarted, next, Buffer.from('Subject: reuses it\r\n\r\nbody\r\n'));
  assert.deepEqual((await readdir(dir)).sort(), [`${kept.id}.msg`, `${next.id}.msg`].sort(), 'the spare was reused');
});

test('a message committed after open() and before loadQueued() is not loaded twice, and a restart finds both', async (t) => {
  const { dir, spool: first } = await openSpool(t);
  const before = await writeCommitted(first, meta(newQueueId()), sampleBody());

  const spool = new Spool(dir);
  await spool.open();
  const during = await writeCommitted(spool, meta(newQueueId()), sampleBody());
  assert.deepEqual((await spool.loadQueued()).map((m) => m.meta.id), [before.meta.id], 'only what was queued at open()');
  assert.deepEqual((await startSpool(new Spool(dir))).map((m) => m.meta.id).sort(), [before.meta.id, during.meta.id].sort());
});
