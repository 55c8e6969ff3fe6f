/**
 * The relay's two-pass DKIM signing: the same bytes as nodemailer's signer
 * (the reference the relay used before), for a held message and a streamed
 * one, for every try of a delivery, and a large streamed message signed
 * without being held in memory.
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

/** What the client would send on a try: a held message comes back as one buffer, a streamed one as a stream. */
const bytesOf = async (signed: Buffer | Readable): Promise<Buffer> => (Buffer.isBuffer(signed) ? signed : buffer(signed));

/** The message in small pieces, cut across line ends, as a file would arrive. */
const pieces = (bytes: Buffer, size: number) => () => Readable.from(Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size)));

test('signs exactly as nodemailer does, from held bytes and from a stream', async () => {
  const reference = await buffer(new DKIM({ domainName: key.domain, keySelector: key.selector, privateKey }).sign(message));
  assert.match(reference.toString(), /^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=example.com;/);
  const held = (await signedBody(() => message, [key]))();
  // A held message stays one buffer, so the client writes it in one go.
  assert.ok(Buffer.isBuffer(held));
  assert.deepEqual(held, reference);
  const streamed = await signedBody(pieces(message, 7), [key]);
  // Each try of a delivery reads the file again, behind the same signature.
  assert.deepEqual(await bytesOf(streamed()), reference);
  assert.deepEqual(await bytesOf(streamed()), reference);
});

test('an international domain and an odd selector are written as nodemailer writes them (A-label, no delimiters)', async () => {
  const odd = { domain: 'Bücher.Example', selector: 'relay;2026', privateKey };
  const reference = await buffer(new DKIM({ domainName: odd.domain, keySelector: odd.selector, privateKey }).sign(message));
  assert.match(reference.toString(), /d=xn--bcher-kva\.example; q=dns\/txt; s=relay2026;/);
  assert.deepEqual((await signedBody(() => message, [odd]))(), reference);
});

test('a header block ended by a bare LF line, or never ended, is read as nodemailer reads it, in any pieces', async () => {
  for (const text of ['From: anna@example.com\nSubject: lf\n\nbody  line\n\n', 'From: anna@example.com\r\nSubject: no body\r\n', '\r\n\r\nbody']) {
    const bytes = Buffer.from(text);
    const reference = await buffer(new DKIM({ domainName: key.domain, keySelector: key.selector, privateKey }).sign(bytes));
    for (const size of [1, 2, 3, bytes.length]) assert.deepEqual(await bytesOf((await signedBody(pieces(bytes, size), [key]))()), reference, `${JSON.stringify(text)} in pieces of ${size}`);
    assert.deepEqual((await signedBody(() => bytes, [key]))(), reference, `${JSON.stringify(text)} held`);
  }
});

test('a 20 MB streamed message is signed with memory far below its size', async () => {
  const line = Buffer.from('The quick brown fox jumps over the lazy dog while the relay keeps count 0123\r\n');
  const chunk = Buffer.concat(Array.from({ length: 800 }, () => line));
  const count = Math.ceil((20 * 1024 * 1024) / chunk.length);
  const head = Buffer.from('From: anna@example.com\r\nSubject: big\r\n\r\n');
  // What the signer keeps alive, sampled after a collection as each pass (hashing, then sending) reads the file:
  // counting garbage not yet collected made the figure depend on when V8 collects.
  gc();
  const before = process.memoryUsage().arrayBuffers;
  let peak = 0;
  let samples = 0;
  const body = () => Readable.from((function* () {
    yield head;
    // A fresh buffer per piece, as file reads give: a signer that kept them would keep all 20 MB.
    for (let i = 0; i < count; i++) {
      if (i % 2 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
        samples++;
      }
      yield Buffer.from(chunk);
    }
  })());
  const signed = (await signedBody(body, [key]))();
  assert.ok(!Buffer.isBuffer(signed), 'a streamed message is sent as a stream');
  let bytes = 0;
  for await (const piece of signed) bytes += (piece as Buffer).length;
  assert.ok(bytes > 20 * 1024 * 1024);
  assert.ok(samples > 300, `${samples} samples: too few`);
  // nodemailer's signer holds all 20 MB.
  assert.ok(peak < 4 * 1024 * 1024, `held ${(peak / 1048576).toFixed(1)} MB while signing`);
});
