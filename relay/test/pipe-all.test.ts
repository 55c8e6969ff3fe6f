/**
 * pipeAll, the relay's lighter stream.pipeline for a message's way into the
 * spool: it settles when the sink has finished, and when any stream fails or
 * the client's stream closes early it rejects with every stream destroyed.
 */
import assert from 'node:assert/strict';
import { PassThrough, Transform, Writable } from 'node:stream';
import { test } from 'node:test';
import { pipeAll } from '../session/pipe-all.js';

function collector(): Writable & { data: Buffer[] } {
  const data: Buffer[] = [];
  return Object.assign(new Writable({ write: (chunk: Buffer, _e, done) => (data.push(chunk), done()) }), { data });
}

test('carries every byte and settles once the sink has finished', async () => {
  const source = new PassThrough();
  const sink = collector();
  const done = pipeAll(source, new PassThrough(), sink);
  source.write('MAIL body ');
  source.end('end');
  await done;
  assert.equal(Buffer.concat(sink.data).toString(), 'MAIL body end');
  assert.ok(sink.writableFinished);
});

test('a source closed before its end (the client went away) rejects, and all three are destroyed', async () => {
  const source = new PassThrough();
  const through = new PassThrough();
  const sink = collector();
  const done = pipeAll(source, through, sink);
  source.write('half a message');
  source.destroy();
  await assert.rejects(done, { code: 'ERR_STREAM_PREMATURE_CLOSE' });
  assert.ok(through.destroyed && sink.destroyed);
});

test('an error in the middle or at the sink rejects with that error', async () => {
  const failing = new Transform({ transform: (_c, _e, done) => done(new Error('header parse failed')) });
  const source = new PassThrough();
  const middle = pipeAll(source, failing, collector());
  source.end('x');
  await assert.rejects(middle, /header parse failed/);
  assert.ok(source.destroyed);

  const full = new Writable({ write: (_c, _e, done) => done(new Error('disk full')) });
  const again = new PassThrough();
  const atSink = pipeAll(again, new PassThrough(), full);
  again.end('y');
  await assert.rejects(atSink, /disk full/);
});
