/**
 * What messages being received may hold in memory: each up to the hold
 * limit, all together up to a shared budget, past which the next ones stream
 * to their files; the budget is given back on commit and abort.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { finished } from 'node:stream/promises';
import { test } from 'node:test';
import { metaLine, newQueueId, Spool, type MessageMeta } from '../queue/spool.js';
import { startSpool } from './start-spool.js';

function meta(id: string): MessageMeta {
  return {
    v: 1,
    id,
    envelope: { from: 'scanner@office.example', to: ['boss@example.org'] },
    user: 'scanner',
    via: 'trusted',
    priority: 3,
    acceptedAt: 1_790_000_000_000,
    from: 'scanner@office.example',
    subject: 'Scan',
    fromDomain: 'office.example',
    campaign: null,
    tls: false,
  };
}

const readAll = async (body: Buffer | NodeJS.ReadableStream) => (Buffer.isBuffer(body) ? body : buffer(body));

test('messages being received share one memory budget: past it the next ones stream to their files, and it is given back', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'relay-desk-receiving-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const spool = new Spool(dir);
  await startSpool(spool);
  // 20 × 250 KB: each under the hold limit, together past the 4 MB shared while receiving.
  const body = Buffer.alloc(250 * 1024, 'y');
  const writers = Array.from({ length: 20 }, () => {
    const m = meta(newQueueId());
    const created = spool.create(m.id);
    created.stream.write(metaLine(m));
    created.stream.write(body);
    return { m, ...created };
  });
  const streamed = writers.filter((w) => w.stream.streamed).length;
  assert.ok(streamed >= 3 && streamed < 20, `${streamed} of 20 streamed`);
  const stored = await Promise.all(
    writers.map(async (w, i) => {
      w.stream.end();
      await finished(w.stream);
      if (i % 2) return w.abort().then(() => null);
      return w.commit(w.m, metaLine(w.m).length);
    }),
  );
  for (const s of stored) if (s) assert.deepEqual(await readAll(spool.openBody(s)), body);
  // Everything was given back: one more message of the same size is held again.
  const next = spool.create(newQueueId());
  next.stream.write(body);
  assert.equal(next.stream.streamed, false);
  await next.abort();
});

test('what was written is read back by range before commit, from memory or from the file, and a rewrite is committed in its place', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'relay-desk-readback-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const spool = new Spool(dir);
  await startSpool(spool);
  for (const size of [10_000, 600 * 1024]) {
    const m = meta(newQueueId());
    const data = Buffer.from(Array.from({ length: size }, (_, i) => i % 251));
    const first = spool.create(m.id);
    // Written in uneven chunks, so ranges start and end inside them.
    for (let at = 0; at < size; at += 7777) first.stream.write(data.subarray(at, at + 7777));
    first.stream.end();
    await finished(first.stream);
    assert.equal(first.stream.streamed, size > 256 * 1024);
    for (const [start, end] of [[0, size], [1, 2], [7776, 7778], [5000, 20_000], [size - 3, size], [100, 100]] as const) {
      assert.deepEqual(await buffer(first.stream.readRange(start, end)), data.subarray(start, end), `${size}: [${start}, ${end})`);
    }
    // The rewritten version takes the message's place; the first goes.
    const second = spool.create(m.id, 'rewrite');
    second.stream.end(Buffer.concat([metaLine(m), Buffer.from('rewritten')]));
    await finished(second.stream);
    await first.abort();
    const stored = await second.commit(m, metaLine(m).length);
    assert.deepEqual(await readAll(spool.openBody(stored)), Buffer.from('rewritten'));
  }
  assert.deepEqual((await readdir(dir)).filter((name) => !name.endsWith('.msg')), [], 'no temporary file is left');
});
