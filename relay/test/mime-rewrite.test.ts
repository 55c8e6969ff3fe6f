/**
 * The second pass on its own: a message's structure read, the parts with
 * lines over 998 octets re-encoded, everything else left byte for byte. What
 * each part decodes to is read by Python's email parser, before and after,
 * and must not change; the rewritten message must have no line over 998.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { applyEdits, type MessageSource } from '../mime/apply-edits.js';
import { MAX_LINE_OCTETS } from '../mime/line-limit.js';
import { outlineOf } from '../mime/outline.js';
import { planRewrite, type LongLineProblem } from '../mime/reencode-plan.js';
import { readWithPython, type PythonReading } from './python-mime.js';

function* inChunks(data: Buffer, size: number): Generator<Buffer> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

async function rewrite(message: Buffer, chunkSize = 4096): Promise<{ output: Buffer } | { problem: LongLineProblem }> {
  const source: MessageSource = { length: message.length, read: (start, end) => Readable.from(inChunks(message.subarray(start, end), chunkSize)) };
  const plan = planRewrite(await outlineOf(source.read(0, source.length)));
  if (!plan.ok) return { problem: plan.problem };
  const out: Buffer[] = [];
  for await (const chunk of applyEdits(source, plan.edits)) out.push(chunk);
  return { output: Buffer.concat(out) };
}

async function rewritten(message: Buffer, chunkSize?: number): Promise<Buffer> {
  const result = await rewrite(message, chunkSize);
  assert.ok('output' in result, `refused: ${JSON.stringify('problem' in result ? result.problem : null)}`);
  return result.output;
}

async function refused(message: Buffer): Promise<LongLineProblem> {
  const result = await rewrite(message);
  assert.ok('problem' in result, 'the message was rewritten, not refused');
  return result.problem;
}

/** A message from lines joined by CRLF; strings are UTF-8. */
function mail(...lines: (string | Buffer)[]): Buffer {
  return Buffer.concat(lines.flatMap((line) => [Buffer.isBuffer(line) ? line : Buffer.from(line), Buffer.from('\r\n')]));
}

/** Each original read once, however many rewrites of it are compared. */
const originals = new WeakMap<Buffer, Promise<PythonReading>>();

/** Python reads the same octets out of every part, and no line of the result is over the limit; returns its reading of the result. */
async function assertSameContent(original: Buffer, output: Buffer): Promise<PythonReading> {
  const reading = originals.get(original) ?? readWithPython(original);
  originals.set(original, reading);
  const [before, after] = await Promise.all([reading, readWithPython(output)]);
  assert.ok(before.longest_line > MAX_LINE_OCTETS, 'the test message has a long line');
  assert.ok(after.longest_line <= MAX_LINE_OCTETS, `a line of ${after.longest_line} octets is left`);
  assert.deepEqual(after.defects, []);
  assert.equal(after.parts.length, before.parts.length);
  for (const [i, part] of after.parts.entries()) {
    const was = before.parts[i];
    assert.ok(was);
    assert.equal(part.content_type, was.content_type, `part ${i + 1}`);
    assert.ok(part.payload.equals(was.payload), `part ${i + 1} (${part.content_type}) decodes to other octets`);
  }
  return after;
}

/** The message cut at its delimiter lines: the pieces a rewrite may change or must leave alone. */
const pieces = (message: Buffer, boundary: string) => message.toString('latin1').split(`--${boundary}`);

const LONG_HTML = `<p>${'Caf\u00e9 cr\u00e8me for the whole office, '.repeat(80)}</p>`;
const PDF_BASE64 = Buffer.alloc(2000, 0x25).toString('base64').replace(/.{76}/g, '$&\r\n').trimEnd();
const BLOB = Buffer.from(Array.from({ length: 38_000 }, (_, i) => (i * 7919) % 256));
const BLOB_ONE_LINE = BLOB.toString('base64');

test('a text part with long lines becomes quoted-printable, a one-line 50 KB base64 part is re-wrapped, the rest stays byte for byte', async () => {
  assert.ok(BLOB_ONE_LINE.length > 50_000);
  const original = mail(
    'From: a@office.example',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="XX-1"',
    '',
    'This is a multi-part message in MIME format.',
    '--XX-1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Short text.',
    '--XX-1',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    LONG_HTML,
    `${LONG_HTML} trailing space `,
    '--XX-1',
    'Content-Type: application/pdf; name="scan.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    PDF_BASE64,
    '--XX-1',
    'Content-Type: application/octet-stream; name="blob.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    BLOB_ONE_LINE,
    '--XX-1--',
    'epilogue',
  );
  const output = await rewritten(original);
  await assertSameContent(original, output);

  const [preamble, plain, html, pdf, blob, epilogue] = pieces(output, 'XX-1');
  const was = pieces(original, 'XX-1');
  assert.deepEqual([preamble, plain, pdf, epilogue], [was[0], was[1], was[3], was[5]], 'preamble, untouched parts, delimiters and epilogue are byte for byte');
  assert.match(html ?? '', /^\r\nContent-Type: text\/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>Caf=C3=A9 cr=C3=A8me/);
  assert.match(blob ?? '', /Content-Transfer-Encoding: base64\r\n\r\n([A-Za-z0-9+/]{76}\r\n)+[A-Za-z0-9+/=]{1,76}\r\n$/);
});

test('nested multipart/mixed, alternative and related: only the part with the long line changes', async () => {
  const original = mail(
    'From: a@office.example',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary=outer',
    '',
    '--outer',
    'Content-Type: multipart/alternative; boundary="alt"',
    '',
    'alternative preamble',
    '--alt',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'Plain version.',
    '--alt',
    'Content-Type: multipart/related; boundary="rel"; type="text/html"',
    '',
    '--rel',
    'Content-Type: text/html; charset=utf-8',
    '',
    LONG_HTML,
    '--rel',
    'Content-Type: image/png',
    'Content-Transfer-Encoding: base64',
    'Content-ID: <logo@office.example>',
    '',
    PDF_BASE64,
    '--rel--',
    '--alt--',
    'alternative epilogue',
    '--outer',
    'Content-Type: application/pdf',
    'Content-Transfer-Encoding: base64',
    '',
    PDF_BASE64,
    '--outer--',
  );
  const output = await rewritten(original);
  await assertSameContent(original, output);
  const was = pieces(original, 'rel');
  const now = pieces(output, 'rel');
  assert.equal(now.length, was.length);
  assert.equal(now[0], was[0], 'everything before the related part is byte for byte');
  assert.deepEqual(now.slice(2), was.slice(2), 'the image, the other delimiters, epilogues and the attachment are byte for byte');
  assert.match(now[1] ?? '', /^\r\nContent-Type: text\/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n/);
});

test('a message that is only one base64 line of 50 KB is re-wrapped and still ends with CRLF', async () => {
  const original = mail('From: a@office.example', 'MIME-Version: 1.0', 'Content-Type: application/zip', 'Content-Transfer-Encoding: base64', '', BLOB_ONE_LINE);
  const output = await rewritten(original);
  await assertSameContent(original, output);
  assert.ok(output.subarray(-2).equals(Buffer.from('\r\n')));
});

test('a message without MIME headers becomes a text/plain quoted-printable part; UTF-8 is declared only where the octets are UTF-8', async () => {
  const cases = [
    { body: Buffer.from(`Total: ${'the invoice for the caf\u00e9 downstairs is attached, '.repeat(30)}`), charset: 'utf-8' },
    { body: Buffer.from(`Total: ${'the invoice for the caf\u00e9 downstairs is attached, '.repeat(30)}`, 'latin1'), charset: null },
    { body: Buffer.from(`Total: ${'plain words '.repeat(300)}`), charset: 'us-ascii' },
  ];
  for (const { body, charset } of cases) {
    const original = mail('From: a@office.example', 'Subject: report', '', body, 'second line');
    const output = await rewritten(original);
    const reading = await assertSameContent(original, output);
    const head = output.toString('latin1').split('\r\n\r\n')[0] ?? '';
    assert.match(head, /\r\nMIME-Version: 1\.0\r\nContent-Type: text\/plain(; charset=[\w-]+)?\r\nContent-Transfer-Encoding: quoted-printable$/);
    assert.equal(reading.parts[0]?.charset ?? null, charset);
    assert.equal(reading.parts[0]?.content_type, 'text/plain');
  }
});

test('text with more than an eighth of its octets 8-bit goes base64, quoted-printable with long lines is re-wrapped', async () => {
  const greek = 'Καλημέρα σας, '.repeat(120);
  const qpLong = `${'word=20'.repeat(200)}=C3=A9`;
  const original = mail(
    'From: a@office.example',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary=b',
    '',
    '--b',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    greek,
    '--b',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    qpLong,
    '--b--',
  );
  const output = await rewritten(original);
  await assertSameContent(original, output);
  const [, greekPart, qpPart] = pieces(output, 'b');
  assert.match(greekPart ?? '', /Content-Transfer-Encoding: base64\r\n/);
  assert.match(qpPart ?? '', /Content-Transfer-Encoding: quoted-printable\r\n\r\n(word|=20)+=\r\n/);
});

test('a part header with a long line is folded; one with nowhere to fold is refused with its name', async () => {
  const longName = Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');
  const part = (disposition: string) =>
    mail('From: a@office.example', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: text/plain', disposition, '', 'Short.', '--b--');
  const original = part(`Content-Disposition: attachment; filename="${longName}.txt"`);
  const output = await rewritten(original);
  await assertSameContent(original, output);
  const folded = pieces(output, 'b')[1] ?? '';
  assert.equal(folded.replace(/\r\n(?=[ \t])/g, ''), pieces(original, 'b')[1], 'unfolded, the part header is what it was');
  assert.ok(Math.max(...folded.split('\r\n').map((line) => line.length)) <= 78);

  const problem = await refused(part(`Content-Disposition: attachment; filename="${'x'.repeat(1200)}.txt"`));
  assert.deepEqual(problem, { reason: 'unfoldable-header', part: '1', contentType: 'text/plain', area: 'header', octets: 1248, detail: 'Content-Disposition' });
});

test('what cannot be re-encoded is refused, saying where and why', async () => {
  const long = 'y'.repeat(1500);
  const multipart = (...body: string[]) => mail('From: a@office.example', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary=b', '', ...body);
  const dkim = mail('DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=office.example; s=x; h=from; bh=x; b=x', 'From: a@office.example', '', long);
  assert.deepEqual(await refused(dkim), { reason: 'sender-dkim', part: '', contentType: 'text/plain', area: 'body', octets: 1500 });

  const preamble = multipart(long, '--b', 'Content-Type: text/plain', '', 'ok', '--b--');
  assert.deepEqual(await refused(preamble), { reason: 'structure', part: '', contentType: 'multipart/mixed', area: 'structure', octets: 1500 });

  // A boundary too long for one header line can still be declared in RFC 2231 pieces.
  const [half, boundary] = ['B'.repeat(500), 'B'.repeat(1000)];
  const longDelimiter = mail('From: a@office.example', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed;', ` boundary*0="${half}";`, ` boundary*1="${half}"`, '', `--${boundary}`, '', 'ok', `--${boundary}--`);
  assert.deepEqual(await refused(longDelimiter), { reason: 'structure', part: '', contentType: 'multipart/mixed', area: 'structure', octets: 1004 });

  const forwarded = multipart('--b', 'Content-Type: message/rfc822', '', 'Subject: inner', '', long, '--b--');
  assert.deepEqual(await refused(forwarded), { reason: 'not-reencodable', part: '1', contentType: 'message/rfc822', area: 'body', octets: 1500, detail: '' });

  const signed = mail(
    'From: a@office.example',
    'MIME-Version: 1.0',
    'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary=s',
    '',
    '--s',
    'Content-Type: text/plain',
    '',
    long,
    '--s',
    'Content-Type: application/pkcs7-signature',
    'Content-Transfer-Encoding: base64',
    '',
    'AAAA',
    '--s--',
  );
  assert.deepEqual(await refused(signed), { reason: 'signed-part', part: '1', contentType: 'text/plain', area: 'body', octets: 1500 });

  const uuencoded = multipart('--b', 'Content-Type: application/octet-stream', 'Content-Transfer-Encoding: x-uuencode', '', long, '--b--');
  assert.deepEqual(await refused(uuencoded), { reason: 'unknown-encoding', part: '1', contentType: 'application/octet-stream', area: 'body', octets: 1500, detail: 'x-uuencode' });

  // Each part's header is kept while the structure is read: their number and size are bounded, as in mailsplit.
  const manyParts = multipart(...Array.from({ length: 1001 }, () => ['--b', '', 'x']).flat(), '--b', '', long, '--b--');
  assert.deepEqual(await refused(manyParts), { reason: 'too-complex', part: '', contentType: 'multipart/mixed', area: 'structure', octets: 0, detail: 'parts' });
  const hugePartHeader = multipart('--b', ...Array.from({ length: 20_000 }, (_, i) => `X-Filler-${i}: ${'f'.repeat(50)}`), '', long, '--b--');
  assert.deepEqual(await refused(hugePartHeader), { reason: 'too-complex', part: '', contentType: 'multipart/mixed', area: 'structure', octets: 0, detail: 'part-header' });
  const oneHugeHeaderLine = multipart('--b', `X-Filler: ${'f'.repeat(2 * 1024 * 1024)}`, '', long, '--b--');
  assert.deepEqual(await refused(oneHugeHeaderLine), { reason: 'too-complex', part: '', contentType: 'multipart/mixed', area: 'structure', octets: 0, detail: 'part-header' });
});

test('however the message is cut into chunks, down to single bytes, it is rewritten to the same content', async () => {
  const original = mail(
    'From: a@office.example',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary=b',
    '',
    '--b',
    'Content-Type: text/html; charset=utf-8',
    '',
    LONG_HTML,
    '--b',
    'Content-Type: application/octet-stream',
    'Content-Transfer-Encoding: base64',
    '',
    BLOB.subarray(0, 1500).toString('base64'),
    '--b--',
  );
  // Where quoted-printable puts its soft line breaks may depend on the chunks (nodemailer wraps chunk by chunk); the content may not.
  for (const size of [original.length, 1, 2, 3, 7, 76, 1000]) await assertSameContent(original, await rewritten(original, size));
});
