/**
 * Property-based fuzz of the relay's one pass over a message (message
 * stream, header rewrite) and of the DATA encoding it goes upstream with, as
 * smtp-server's own fuzz test does for its side: arbitrary bytes, mixes of
 * CR and LF, dots at line starts and header shapes in, cut into chunks
 * anywhere; out, whatever came in:
 * - no bare CR or LF leaves the relay (spooled or sent);
 * - the header block is refused exactly when it is past its limit;
 * - the body bytes are the ones sent, line endings made CRLF, nothing else;
 * - dot-stuffing round-trips: a server reading the DATA gets the spooled
 *   message back, and the only end-of-data is the last one;
 * - the rewritten header has the relay's Received and keeps no X-SMTPAPI.
 * The seed is fixed and printed with any failure: FUZZ_SEED and FUZZ_RUNS change it.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import fc from 'fast-check';
import type Headers from 'mailsplit/lib/headers.js';
import { DataEncoder } from '../delivery/smtp-wire.js';
import { rewriteHeaders } from '../session/message-headers.js';
import { MessageStream } from '../session/message-stream.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const PREFIX = Buffer.from('{"meta":1}\n');

const lineEnd = fc.constantFrom('\r\n', '\r\n', '\n', '\r');
const headerName = fc.oneof(
  fc.constantFrom('From', 'Subject', 'To', 'Message-ID', 'Date', 'X-Priority', 'Importance', 'X-SMTPAPI', 'Received', 'x-smtpapi', 'Content-Type'),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/),
);
const headerValue = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.constantFrom('{"CampaignCode": "C1"}', 'not json', 'a\r\n\tfolded', '.', '..', '=?utf-8?q?B=C3=BCro?='),
);
const headerLine = fc.tuple(headerName, fc.constantFrom(': ', ':', ' : '), headerValue, lineEnd).map(([n, sep, v, end]) => `${n}${sep}${v}${end}`);
const bodyPiece = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
  fc.constantFrom('.', '..', '.\r\n', '\r\n.\r\n', '\n.\n', '\r.\r', '\r', '\n', '\r\n', 'line', ' ').map((s) => Buffer.from(s)),
);
const message = fc
  .record({
    headers: fc.array(headerLine, { maxLength: 8 }),
    separator: fc.constantFrom('\r\n', '\n', '\r', ''),
    body: fc.array(bodyPiece, { maxLength: 30 }),
    cuts: fc.array(fc.nat(), { maxLength: 6 }),
    maxHeaderBytes: fc.constantFrom(64, 300, 64 * 1024),
  })
  .map(({ headers, separator, body, cuts, maxHeaderBytes }) => {
    const bytes = Buffer.concat([Buffer.from(headers.join('') + separator, 'binary'), ...body]);
    return { bytes, chunks: cutAt(bytes, cuts), maxHeaderBytes };
  });

function cutAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % bytes.length)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  chunks.push(bytes.subarray(start));
  return chunks.filter((c) => c.length > 0);
}

/** Bare CR and LF as CRLF, done independently of the relay's own code (one regex over the whole). */
function crlf(bytes: Buffer): Buffer {
  return Buffer.from(bytes.toString('latin1').replace(/\r\n|\r|\n/g, '\r\n'), 'latin1');
}

function hasBareLineEnding(bytes: Buffer): boolean {
  return /\r(?!\n)|(?<!\r)\n/.test(bytes.toString('latin1'));
}

async function relayPass(chunks: Buffer[], maxHeaderBytes: number) {
  let headers: Headers | null = null;
  const stream = new MessageStream({
    maxHeaderBytes,
    discard: () => false,
    onHeaders: (h) => {
      rewriteHeaders(h, {
        queueId: 'QUEUEID1',
        hostname: 'relay.test',
        user: 's1_0',
        via: 'auth',
        priority: 3,
        clientHostname: 'client.test',
        remoteAddress: '127.0.0.1',
        tls: null,
        now: new Date(0),
      });
      headers = h;
      return PREFIX;
    },
  });
  const out: Buffer[] = [];
  await pipeline(Readable.from(chunks), stream, async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) out.push(chunk);
  });
  return { output: Buffer.concat(out), headers: headers as Headers | null, headerTooLarge: stream.headerTooLarge };
}

/** What a server reads from DATA bytes: lines up to the lone dot, a leading dot removed. */
function readData(wire: Buffer): { message: Buffer; trailing: number } {
  const text = wire.toString('latin1');
  const at = text.startsWith('.\r\n') ? -2 : text.indexOf('\r\n.\r\n');
  assert.notEqual(at, -1, 'DATA has an end');
  const end = at + 2;
  const lines = text.slice(0, end).split('\r\n');
  lines.pop();
  const message = lines.map((l) => (l.startsWith('.') ? l.slice(1) : l)).join('\r\n') + (end > 0 ? '\r\n' : '');
  return { message: Buffer.from(message, 'latin1'), trailing: text.length - end - 3 };
}

test(`message stream, header rewrite and DATA encoding keep their invariants (seed ${SEED}, ${RUNS} cases)`, async () => {
  await fc.assert(
    fc.asyncProperty(message, async ({ bytes, chunks, maxHeaderBytes }) => {
      const { output, headers, headerTooLarge } = await relayPass(chunks, maxHeaderBytes);
      const normalized = crlf(bytes);
      const end = normalized.subarray(0, 2).equals(Buffer.from('\r\n')) ? 0 : normalized.indexOf('\r\n\r\n');
      const split = end < 0 ? -1 : end === 0 ? 2 : end + 4;
      assert.equal(headerTooLarge, (split < 0 ? normalized.length : split) > maxHeaderBytes, 'refused exactly past the limit');
      if (headerTooLarge) {
        assert.equal(output.length, 0);
        return;
      }
      assert.ok(headers, 'onHeaders was called');
      assert.ok(output.subarray(0, PREFIX.length).equals(PREFIX));
      const spooled = output.subarray(PREFIX.length);
      assert.ok(!hasBareLineEnding(spooled), 'no bare CR or LF is spooled');

      const built = headers.build();
      assert.ok(spooled.subarray(0, built.length).equals(built), 'the rewritten header block comes first');
      assert.match(built.toString('latin1'), /^Received: from client\.test /m);
      assert.doesNotMatch(built.toString('latin1'), /^x-smtpapi\s*:/im);
      const body = split < 0 ? Buffer.alloc(0) : normalized.subarray(split);
      assert.ok(spooled.subarray(built.length).equals(body), 'the body bytes are unchanged');

      const encoder = new DataEncoder();
      const wire = Buffer.concat([...cutAt(spooled, [7, 100, 1000]).flatMap((c) => encoder.encode(c)), encoder.end()]);
      assert.ok(!hasBareLineEnding(wire), 'no bare CR or LF is sent');
      const read = readData(wire);
      assert.equal(read.trailing, 0, 'the only end-of-data is the last one');
      const expected = spooled.length === 0 || spooled.subarray(-2).equals(Buffer.from('\r\n')) ? spooled : Buffer.concat([spooled, Buffer.from('\r\n')]);
      assert.ok(read.message.equals(expected), 'dot-stuffing round-trips');
    }),
    { seed: SEED, numRuns: RUNS },
  );
});
