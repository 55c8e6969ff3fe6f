/**
 * The relay's two-pass DKIM signing: the same bytes as nodemailer's signer
 * (the reference the relay used before), for a held message and a streamed
 * one, and a large streamed message signed without being held in memory.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import DKIM from 'nodemailer/lib/dkim';
import { signedBody } from '../delivery/dkim-stream.js';

// A collection on demand, as the relay has with --expose-gc, whose freed buffers are off the books when it returns.
setFlagsFromString('--expose-gc');
setFlagsFromString('--no-concurrent-array-buffer-sweeping');
const gc = runInNewContext('gc') as () => void;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
const key = { domain: 'example.com', selector: 'relay', privateKey };

const message = Buffer.from(
  'From: Anna <anna@example.com>\r\nTo: bob@example.org\r\nSubject: Quarterly  report \r\n\tcontinued\r\n\r\n' +
    'Line one  with   spaces \r\nLine two\r\n\r\n\r\n',
);

/** What the client would send: a held message comes back as one buffer, a streamed one as a stream. */
const bytesOf = async (signed: Buffer | Readable): Promise<Buffer> => (Buffer.isBuffer(signed) ? signed : buffer(signed));

/** The message in small pieces, cut across line ends, as a file would arrive. */
const pieces = (bytes: Buffer, size: number) => () => Readable.from(Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size)));

test('signs exactly as nodemailer does, from held bytes and from a stream', async () => {
  const reference = await buffer(new DKIM({ domainName: key.domain, keySelector: key.selector, privateKey }).sign(message));
  assert.match(reference.toString(), /^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=example.com;/);
  const held = signedBody(() => message, [key]);
  // Held bytes are signed at once, so the client writes the message in one go.
  assert.ok(Buffer.isBuffer(held));
  assert.deepEqual(held, reference);
  assert.deepEqual(await bytesOf(signedBody(pieces(message, 7), [key])), reference);
});

test('a header block ended by a bare LF line, or never ended, is read as nodemailer reads it, in any pieces', async () => {
  for (const text of ['From: anna@example.com\nSubject: lf\n\nbody  line\n\n', 'From: anna@example.com\r\nSubject: no body\r\n', '\r\n\r\nbody']) {
    const bytes = Buffer.from(text);
    const reference = await buffer(new DKIM({ domainName: key.domain, keySelector: key.selector, privateKey }).sign(bytes));
    for (const size of [1, 2, 3, bytes.length]) assert.deepEqual(await bytesOf(signedBody(pieces(bytes, size), [key])), reference, `${JSON.stringify(text)} in pieces of ${size}`);
    assert.deepEqual(signedBody(() => bytes, [key]), reference, `${JSON.stringify(text)} held`);
  }
});

test('a 20 MB streamed message is signed with memory far below its size', async () => {
  const line = Buffer.from('The quick brown fox jumps over the lazy dog while the relay keeps count 0123\r\n');
  const chunk = Buffer.concat(Array.from({ length: 800 }, () => line));
  const count = Math.ceil((20 * 1024 * 1024) / chunk.length);
  const head = Buffer.from('From: anna@example.com\r\nSubject: big\r\n\r\n');
  const body = () => Readable.from((function* () {
    yield head;
    // A fresh buffer per piece, as file reads give: a signer that kept them would keep all 20 MB.
    for (let i = 0; i < count; i++) yield Buffer.from(chunk);
  })());
  // What the signer keeps alive, sampled after a collection: counting garbage not yet collected made the figure depend on when V8 collects.
  gc();
  const before = process.memoryUsage().arrayBuffers;
  let peak = 0;
  let bytes = 0;
  let pieces = 0;
  const signed = signedBody(body, [key]);
  assert.ok(!Buffer.isBuffer(signed), 'a streamed message is signed as a stream');
  for await (const piece of signed) {
    bytes += (piece as Buffer).length;
    if (++pieces % 32 !== 0) continue;
    gc();
    peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
  }
  assert.ok(bytes > 20 * 1024 * 1024);
  assert.ok(pieces > 320, `${pieces} pieces: too few samples`);
  // nodemailer's signer holds all 20 MB.
  assert.ok(peak < 4 * 1024 * 1024, `held ${(peak / 1048576).toFixed(1)} MB while signing`);
});
