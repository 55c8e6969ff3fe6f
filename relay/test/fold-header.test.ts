/**
 * Header fields with a line over 998 octets: folded at whitespace, or (free
 * text only) re-encoded as encoded-words, and read back by Python's email
 * parser as the same value; refused where neither keeps the meaning, or where
 * the sender's DKIM signature would no longer verify.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Headers from 'mailsplit/lib/headers.js';
import { clientSignatures } from '../mime/client-dkim.js';
import { foldLongHeaders } from '../mime/fold-header.js';
import { MAX_LINE_OCTETS } from '../mime/line-limit.js';
import { readWithPython } from './python-mime.js';

const REFERENCES = Array.from({ length: 120 }, (_, i) => `<message-${i}.abcdef@office.example>`).join(' ');
const TOKEN = 'Q'.repeat(1500);

function headerBlock(...lines: string[]): Buffer {
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`);
}

function fold(block: Buffer): { result: ReturnType<typeof foldLongHeaders>; built: Buffer } {
  const headers = new Headers(block);
  const result = foldLongHeaders(headers, clientSignatures(headers));
  return { result, built: headers.build() };
}

const lengths = (block: Buffer) => block.toString('latin1').split('\r\n').map((line) => line.length);

test('a long field is folded at whitespace; the others stay byte for byte and in their places; Python reads the same values', async () => {
  const block = headerBlock('From: Scanner <scanner@office.example>', `References: ${REFERENCES}`, `To: ${Array.from({ length: 60 }, (_, i) => `person${i}@example.org`).join(', ')}`, 'Subject: Hi');
  const { result, built } = fold(block);
  assert.deepEqual(result, { ok: true, changed: true });
  assert.ok(Math.max(...lengths(built)) <= 78, `lines: ${lengths(built).join(',')}`);
  assert.equal(built.toString('latin1').replace(/\r\n(?=[ \t])/g, ''), block.toString('latin1'), 'unfolded, the block is what it was');
  const lines = built.toString('latin1').split('\r\n');
  assert.equal(lines[0], 'From: Scanner <scanner@office.example>');
  assert.equal(lines.filter((l) => !/^[ \t]/.test(l)).map((l) => l.split(':')[0]).join(','), 'From,References,To,Subject,,', 'fields in order, then the blank line');
  const [before, after] = await Promise.all([readWithPython(Buffer.concat([block, Buffer.from('body\r\n')])), readWithPython(Buffer.concat([built, Buffer.from('body\r\n')]))]);
  assert.deepEqual(after.headers, before.headers);
});

test('a subject with a run too long to fold becomes encoded-words that Python decodes to the same text', async () => {
  const text = `Scan caf\u00e9 ${TOKEN} end`;
  const { result, built } = fold(headerBlock('From: a@office.example', `Subject: ${text}`));
  assert.deepEqual(result, { ok: true, changed: true });
  assert.ok(Math.max(...lengths(built)) <= MAX_LINE_OCTETS);
  assert.match(built.toString('latin1'), /^From: a@office\.example\r\nSubject: =\?UTF-8\?Q\?Scan_caf=C3=A9_Q+\?=\r\n =\?UTF-8\?Q\?Q+\?=/);
  const reading = await readWithPython(Buffer.concat([built, Buffer.from('body\r\n')]));
  assert.deepEqual(reading.headers, [
    ['From', 'a@office.example'],
    ['Subject', text],
  ]);
});

test('a structured field, or free text that is not UTF-8, with a run too long to fold is refused with its name and length', () => {
  const address = fold(headerBlock('From: a@office.example', `To: <${TOKEN}@example.org>`));
  assert.deepEqual(address.result, { ok: false, field: 'To', octets: 1518, signed: false });
  const latin1 = fold(Buffer.concat([Buffer.from('Subject: caf'), Buffer.from([0xe9]), Buffer.from(` ${TOKEN}\r\n\r\n`)]));
  assert.deepEqual(latin1.result, { ok: false, field: 'Subject', octets: 1514, signed: false });
});

test("the sender's DKIM signature: relaxed header canonicalization allows folding, simple does not for the fields it covers, neither allows encoded-words", () => {
  const signature = (c: string, h: string) => `DKIM-Signature: v=1; a=rsa-sha256; c=${c}; d=office.example; s=sel;\r\n h=${h}; bh=abc=; b=def=`;
  const references = `References: ${REFERENCES}`;

  const relaxed = fold(headerBlock(signature('relaxed/simple', 'from:references'), 'From: a@office.example', references));
  assert.deepEqual(relaxed.result, { ok: true, changed: true });
  const simple = fold(headerBlock(signature('simple/simple', 'from:References'), 'From: a@office.example', references));
  assert.deepEqual(simple.result, { ok: false, field: 'References', octets: references.length, signed: true });
  const defaultSimple = fold(headerBlock(signature('', 'from:references').replace(' c=;', ''), 'From: a@office.example', references));
  assert.equal(defaultSimple.result.ok, false, 'c= defaults to simple/simple');
  const notCovered = fold(headerBlock(signature('simple/simple', 'from:subject'), 'From: a@office.example', references));
  assert.deepEqual(notCovered.result, { ok: true, changed: true });

  const subject = `Subject: ${TOKEN}`;
  const encodedCovered = fold(headerBlock(signature('relaxed/relaxed', 'from:subject'), 'From: a@office.example', subject));
  assert.deepEqual(encodedCovered.result, { ok: false, field: 'Subject', octets: subject.length, signed: true });
  const encodedNotCovered = fold(headerBlock(signature('relaxed/relaxed', 'from'), 'From: a@office.example', subject));
  assert.deepEqual(encodedNotCovered.result, { ok: true, changed: true });
});

test('trailing whitespace stays on the last line: no line is left holding only whitespace', () => {
  const words = Array.from({ length: 300 }, (_, i) => `w${i}`).join(' ');
  // However much whitespace trails, wherever the last cut would fall.
  for (let trailing = 1; trailing <= 80; trailing++) {
    const { result, built } = fold(headerBlock(`X-Words: ${words}${' '.repeat(trailing)}`, 'From: a@office.example'));
    assert.deepEqual(result, { ok: true, changed: true });
    const lines = built.toString('latin1').split('\r\n');
    assert.ok(lines.every((line) => line === '' || /\S/.test(line)), `${trailing} trailing: ${JSON.stringify(lines.slice(-4))}`);
    assert.match(lines.find((line) => line.includes('w299')) ?? '', new RegExp(`w299 {${trailing}}$`));
  }
});

test('a header block with no line over the limit is not touched', () => {
  const block = headerBlock('From: a@office.example', `X-Long: ${'z'.repeat(MAX_LINE_OCTETS - 'X-Long: '.length)}`);
  const { result, built } = fold(block);
  assert.deepEqual(result, { ok: true, changed: false });
  assert.ok(built.equals(block));
});
