/**
 * The relaxed body hash against nodemailer's RelaxedBody (the reference the
 * relay signed with before): bodies made of the bytes canonicalization cares
 * about (spaces, tabs, bare CR and LF, CRLF, empty lines at the end), cut into
 * chunks anywhere, hash the same.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import RelaxedBody from 'nodemailer/lib/dkim/relaxed-body';
import { RelaxedBodyHash } from '../delivery/relaxed-body-hash.js';

function reference(body: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const relaxed = new RelaxedBody({ hashAlgo: 'sha256' });
    relaxed.on('hash', resolve);
    relaxed.on('error', reject);
    relaxed.resume();
    relaxed.end(body);
  });
}

function hashed(body: Buffer, cuts: number[]): string {
  const hash = new RelaxedBodyHash();
  let from = 0;
  for (const cut of [...cuts, body.length]) {
    hash.update(body.subarray(from, cut));
    from = cut;
  }
  return hash.digest();
}

const PIECES = ['word', ' ', '  ', '\t', '\r\n', '\r\n', '\r\n', '\n', '\r', ' \r\n', '\t\r\n', 'é', '.', '\r\n\r\n'];

test('the same hash as nodemailer for canonical, messy and empty bodies, however the chunks are cut', async () => {
  const fixed = ['', '\r\n', '\r\n\r\n', 'a', 'a\r', 'a\r\n\r\n\r\n', ' \r\n', 'x  y \t\r\nz', '\n\nx\n\n', 'line one\r\nline two\r\n'];
  const bodies = fixed.map((text) => Buffer.from(text));
  // Random each run; a failure names the body and the cuts, which is all it takes to make it again.
  const r = Math.random;
  for (let n = 0; n < 400; n++) {
    const parts = Array.from({ length: Math.floor(r() * 60) }, () => PIECES[Math.floor(r() * PIECES.length)] ?? '');
    // Half of them canonical already, as most mail is: CRLF lines with single spaces.
    const text = n % 2 === 0 ? parts.join('') : parts.map((p) => (/^\s+$/.test(p) ? (p.includes('\n') ? '\r\n' : ' ') : p)).join('').replace(/ \r\n/g, '\r\n');
    bodies.push(Buffer.from(text));
  }
  for (const body of bodies) {
    const want = await reference(body);
    const cutsOf = (count: number) => Array.from({ length: count }, () => Math.floor(r() * (body.length + 1))).sort((a, b) => a - b);
    for (const cuts of [[], cutsOf(1), cutsOf(3), Array.from({ length: body.length }, (_, i) => i)]) {
      assert.equal(hashed(body, cuts), want, `${JSON.stringify(body.toString())} cut at ${cuts.join(',')}`);
    }
  }
});
