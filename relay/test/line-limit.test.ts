/**
 * The long-line scanner against the plain definition (split at CRLF, measure
 * every line), over generated messages cut into chunks anywhere: the scanner
 * jumps ~1000 octets at a time, so its edges (998, 999, a line split across
 * chunks, a CR and its LF in different chunks) are where it could go wrong.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { hasLongLine, LongLineScanner, MAX_LINE_OCTETS } from '../mime/line-limit.js';

/** The definition: some line, its CRLF not counted, has more than 998 octets. */
function naive(data: Buffer): boolean {
  return data
    .toString('latin1')
    .split('\r\n')
    .some((line) => line.length > MAX_LINE_OCTETS);
}

function scanInChunks(data: Buffer, cuts: number[]): boolean {
  const scanner = new LongLineScanner();
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    scanner.scan(data.subarray(from, Math.max(from, cut)));
    from = Math.max(from, cut);
  }
  scanner.scan(data.subarray(from));
  scanner.finish();
  return scanner.found;
}

/** Line lengths that cluster around the limit, and ordinary ones. */
const lineLength = fc.oneof(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 990, max: 1002 }), fc.integer({ min: 1003, max: 5000 }));

test('a line of 998 octets passes and one of 999 is found, wherever it lies', () => {
  for (const before of [0, 1, 500, 997, 998, 999, 3000]) {
    const head = before === 0 ? '' : `${'h'.repeat(before % 997)}\r\n`.repeat(Math.ceil(before / 997));
    for (const [length, long] of [[998, false], [999, true]] as const) {
      const data = Buffer.from(`${head}${'x'.repeat(length)}\r\nend\r\n`);
      assert.equal(hasLongLine(data), long, `${length} octets after ${before}`);
    }
  }
  assert.equal(hasLongLine(Buffer.from('x'.repeat(999))), true, 'a last line without CRLF counts');
  assert.equal(hasLongLine(Buffer.from('x'.repeat(998))), false);
});

test('the scanner agrees with the definition for generated messages cut into chunks anywhere', () => {
  fc.assert(
    fc.property(fc.array(lineLength, { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 12 }), (lengths, rawCuts) => {
      const data = Buffer.from(lengths.map((n) => `${'a'.repeat(n)}\r\n`).join(''));
      const cuts = rawCuts.map((c) => (data.length === 0 ? 0 : c % (data.length + 1)));
      assert.equal(scanInChunks(data, cuts), naive(data));
    }),
    { numRuns: 2000 },
  );
});

test('one byte at a time, and a CR and its LF in different chunks, change nothing', () => {
  for (const length of [997, 998, 999, 1000, 2000]) {
    const data = Buffer.from(`short\r\n${'b'.repeat(length)}\r\nlast\r\n`);
    const everyByte = Array.from({ length: data.length }, (_, i) => i);
    assert.equal(scanInChunks(data, everyByte), length > MAX_LINE_OCTETS, `${length} octets, one byte per chunk`);
    const crEnd = data.indexOf('\r\nlast');
    assert.equal(scanInChunks(data, [crEnd + 1]), length > MAX_LINE_OCTETS, `${length} octets, CR | LF`);
  }
});
