import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { Spool } from '../spool.js';

async function freshSpool(t: { after: (fn: () => Promise<void>) => void }) {
  const dir = await mkdtemp(join(tmpdir(), 'relay-desk-spool-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const spool = new Spool(dir);
  await spool.init();
  return { dir, spool };
}

const envelope = { from: 'a@example.com', to: ['b@example.org'] };

test('a written message is listed with its envelope and its exact bytes', async (t) => {
  const { spool } = await freshSpool(t);
  const body = 'Subject: hi\r\n\r\nline one\r\n.dot line\r\n';
  const written = await spool.write(Readable.from([body]), envelope, () => false);
  assert.ok(written);
  const listed = await spool.list();
  assert.deepEqual(listed.map((m) => m.id), [written.id]);
  assert.deepEqual(listed[0]?.envelope.to, envelope.to);
  assert.equal(listed[0].envelope.size, Buffer.byteLength(body));
  const chunks: Buffer[] = [];
  for await (const chunk of spool.openBody(written.id)) chunks.push(chunk as Buffer);
  assert.equal(Buffer.concat(chunks).toString(), body);
});

test('an oversize message is not kept', async (t) => {
  const { dir, spool } = await freshSpool(t);
  const result = await spool.write(Readable.from(['x'.repeat(100)]), envelope, () => true);
  assert.equal(result, null);
  assert.deepEqual(await readdir(dir), []);
});

test('a body whose envelope was never committed is discarded on start, committed mail stays', async (t) => {
  const { dir, spool } = await freshSpool(t);
  const kept = await spool.write(Readable.from(['Subject: kept\r\n\r\nbody\r\n']), envelope, () => false);
  assert.ok(kept);
  await writeFile(join(dir, 'ZZZHALF.eml'), 'Subject: half\r\n');
  await writeFile(join(dir, 'ZZZHALF.json.tmp'), '{');
  const restarted = new Spool(dir);
  await restarted.init();
  assert.deepEqual((await readdir(dir)).sort(), [`${kept.id}.eml`, `${kept.id}.json`]);
  assert.deepEqual((await restarted.list()).map((m) => m.id), [kept.id]);
});

test('a stream that fails mid-way leaves nothing behind', async (t) => {
  const { dir, spool } = await freshSpool(t);
  const broken = new Readable({
    read() {
      this.push('Subject: partial\r\n');
      this.destroy(new Error('client went away'));
    },
  });
  await assert.rejects(spool.write(broken, envelope, () => false), /client went away/);
  assert.deepEqual(await readdir(dir), []);
});

test('remove deletes both files', async (t) => {
  const { dir, spool } = await freshSpool(t);
  const m = await spool.write(Readable.from(['x']), envelope, () => false);
  assert.ok(m);
  await spool.remove(m.id);
  assert.deepEqual(await readdir(dir), []);
  assert.deepEqual(await spool.list(), []);
  await assert.rejects(readFile(join(dir, `${m.id}.eml`)), { code: 'ENOENT' });
});
