/**
 * A list's header and footer put into messages by the second pass on its
 * own: structure read, additions planned and applied, the result read back
 * by Python's email parser. The text version goes into the first text/plain
 * part, the HTML version into the first text/html part, in their charset or
 * with the part converted to UTF-8; every other part keeps its octets.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { applyEdits, type MessageSource } from '../mime/apply-edits.js';
import { planDecoration, type MessageAdditions } from '../mime/decorate-plan.js';
import { HtmlAnchorScanner } from '../mime/html-anchors.js';
import { outlineOf } from '../mime/outline.js';
import { planRewrite } from '../mime/reencode-plan.js';
import { additionsFor } from '../session/list-additions.js';
import { readWithPython, type PythonPart, type PythonReading } from './python-mime.js';

function* inChunks(data: Buffer, size: number): Generator<Buffer> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

/** The message with the additions applied; `longLines` runs the long-line plan first, as the relay does for such a message. */
async function decorate(message: Buffer, additions: MessageAdditions, chunkSize = 4096, longLines = false): Promise<Buffer> {
  const source: MessageSource = { length: message.length, read: (start, end) => Readable.from(inChunks(message.subarray(start, end), chunkSize)) };
  const outline = await outlineOf(source.read(0, source.length));
  const plan = longLines ? planRewrite(outline) : { ok: true as const, edits: [] };
  assert.ok(plan.ok);
  const edits = await planDecoration(outline, source, additions, plan.edits);
  const out: Buffer[] = [];
  for await (const chunk of applyEdits(source, edits)) out.push(chunk);
  return Buffer.concat(out);
}

function mail(...lines: (string | Buffer)[]): Buffer {
  return Buffer.concat(lines.flatMap((line) => [Buffer.isBuffer(line) ? line : Buffer.from(line), Buffer.from('\r\n')]));
}

const BOTH: MessageAdditions = {
  header: { text: 'HEADER line', html: '<div id="h">HEADER</div>' },
  footer: { text: 'FOOTER line 1\nFOOTER line 2\n', html: '<div id="f">FOOTER</div>' },
};

async function read(message: Buffer): Promise<PythonReading> {
  const reading = await readWithPython(message);
  assert.deepEqual(reading.defects, []);
  return reading;
}

function partOf(reading: PythonReading, i: number): PythonPart {
  return reading.parts[i] ?? assert.fail(`there is no part ${i + 1}`);
}

/** A part's text as Python reads it, line breaks as "\n". */
const textOf = (reading: PythonReading, i: number) => (partOf(reading, i).text ?? assert.fail(`part ${i + 1} has no text`)).replace(/\r\n/g, '\n');

test('a plain message: the header text before its first line, the footer after its last, as whole lines', async () => {
  const sent = mail('From: a@office.example', 'Subject: s', '', 'Hello,', 'the scan is attached.');
  const reading = await read(await decorate(sent, BOTH));
  assert.equal(textOf(reading, 0), 'HEADER line\nHello,\nthe scan is attached.\nFOOTER line 1\nFOOTER line 2\n');
});

test('only what is switched on is added; an empty version adds nothing', async () => {
  const sent = mail('From: a@office.example', 'Subject: s', '', 'Body');
  const footerOnly = await read(await decorate(sent, { header: null, footer: { text: 'Bye', html: '' } }));
  assert.equal(textOf(footerOnly, 0), 'Body\nBye\n');
  const htmlOnly = await decorate(sent, { header: null, footer: { text: '', html: '<p>Bye</p>' } });
  assert.ok(htmlOnly.equals(sent), 'a text part gets nothing from an HTML-only footer');
});

const alternative = (textHeaders: string[], text: string, htmlHeaders: string[], html: string) =>
  mail(
    'From: a@office.example',
    'Subject: s',
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="alt"',
    '',
    '--alt',
    ...textHeaders,
    '',
    text,
    '--alt',
    ...htmlHeaders,
    '',
    html,
    '--alt--',
  );

test('multipart/alternative, quoted-printable text and base64 HTML: each decoded, added to, encoded again as it was', async () => {
  const html = '<!DOCTYPE html><html><head><title>t</title></head><BODY class="x" data-a="1>2">\r\n<p>Caf\u00e9</p>\r\n</body></html>\r\n';
  const sent = alternative(
    ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable'],
    'Caf=C3=A9 au lait, a very long line that goes on=\r\n and on',
    ['Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: base64'],
    Buffer.from(html).toString('base64').replace(/.{76}/g, '$&\r\n'),
  );
  const out = await decorate(sent, BOTH);
  const reading = await read(out);
  assert.equal(textOf(reading, 0), 'HEADER line\nCaf\u00e9 au lait, a very long line that goes on and on\nFOOTER line 1\nFOOTER line 2\n');
  assert.equal(
    textOf(reading, 1),
    '<!DOCTYPE html><html><head><title>t</title></head><BODY class="x" data-a="1>2"><div id="h">HEADER</div>\n<p>Caf\u00e9</p>\n<div id="f">FOOTER</div></body></html>\n',
  );
  assert.deepEqual(
    reading.parts.map((p) => p.encoding),
    ['quoted-printable', 'base64'],
  );
});

test('mixed with attachments: the attachments keep every octet, a text attachment gets nothing, the message text after it does', async () => {
  const pdf = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 13) % 256));
  const attachmentLines = ['--mix', 'Content-Type: application/pdf; name="scan.pdf"', 'Content-Disposition: attachment; filename="scan.pdf"', 'Content-Transfer-Encoding: base64', '', pdf.toString('base64').replace(/.{76}/g, '$&\r\n')];
  const sent = mail(
    'From: a@office.example',
    'Subject: s',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary=mix',
    '',
    '--mix',
    'Content-Type: text/plain; name="notes.txt"',
    'Content-Disposition: attachment; filename="notes.txt"',
    '',
    'attached notes',
    ...attachmentLines,
    '--mix',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'The message.',
    '--mix--',
  );
  const out = await decorate(sent, BOTH);
  const reading = await read(out);
  assert.equal(textOf(reading, 0), 'attached notes');
  assert.ok(partOf(reading, 1).payload.equals(pdf));
  assert.ok(out.includes(Buffer.from(attachmentLines.join('\r\n'))), 'the attachment is byte for byte');
  assert.equal(textOf(reading, 2), 'HEADER line\nThe message.\nFOOTER line 1\nFOOTER line 2\n');
});

test('ISO-8859-1: a footer it can hold is encoded into it; one it cannot turns the part into UTF-8', async () => {
  const sent = mail('From: a@office.example', 'Subject: s', 'Content-Type: text/plain; charset="iso-8859-1"', 'Content-Transfer-Encoding: 8bit', '', Buffer.from('Gr\u00fc\u00dfe aus K\u00f6ln', 'latin1'));
  const fits = await decorate(sent, { header: null, footer: { text: 'Caf\u00e9 \u00e0 la carte', html: '' } });
  const kept = await read(fits);
  assert.equal(partOf(kept, 0).charset, 'iso-8859-1');
  assert.equal(partOf(kept, 0).encoding, '8bit');
  assert.equal(textOf(kept, 0), 'Gr\u00fc\u00dfe aus K\u00f6ln\nCaf\u00e9 \u00e0 la carte\n');

  const converted = await read(await decorate(sent, { header: null, footer: { text: '\u041f\u0440\u0438\u0432\u0435\u0442 \u20ac', html: '' } }));
  assert.equal(partOf(converted, 0).charset, 'utf-8');
  assert.equal(partOf(converted, 0).encoding, 'quoted-printable');
  assert.equal(textOf(converted, 0), 'Gr\u00fc\u00dfe aus K\u00f6ln\n\u041f\u0440\u0438\u0432\u0435\u0442 \u20ac\n');
});

test('a part without a charset (US-ASCII) gets a non-ASCII footer as UTF-8, quoted-printable, and a 7bit part never carries 8-bit octets', async () => {
  const sent = mail('From: a@office.example', 'Subject: s', '', 'Plain old text.');
  const out = await decorate(sent, { header: null, footer: { text: '\u00a9 Office GmbH', html: '' } });
  const reading = await read(out);
  assert.equal(partOf(reading, 0).charset, 'utf-8');
  assert.equal(partOf(reading, 0).encoding, 'quoted-printable');
  assert.equal(textOf(reading, 0), 'Plain old text.\n\u00a9 Office GmbH\n');
  assert.ok(!out.some((byte) => byte >= 0x80));
});

test('Windows-1251 HTML in quoted-printable with a footer it cannot hold: converted to UTF-8, the text the same', async () => {
  const html = Buffer.from('<html><body><p>', 'latin1');
  // "Привет" in windows-1251, quoted-printable.
  const qp = Buffer.concat([html, Buffer.from('=CF=F0=E8=E2=E5=F2'), Buffer.from('</p></body></html>')]);
  const sent = mail('From: a@office.example', 'Subject: s', 'Content-Type: text/html; charset=windows-1251', 'Content-Transfer-Encoding: quoted-printable', '', qp);
  const reading = await read(await decorate(sent, { header: null, footer: { text: '', html: '<p>\u00a9 Caf\u00e9</p>' } }));
  assert.equal(partOf(reading, 0).charset, 'utf-8');
  assert.equal(textOf(reading, 0), '<html><body><p>\u041f\u0440\u0438\u0432\u0435\u0442</p><p>\u00a9 Caf\u00e9</p></body></html>\n');
});

test('HTML without <body>: the header goes first and the footer last; a <body> or </body> inside a comment does not count', async () => {
  const fragment = mail('From: a@office.example', 'Subject: s', 'Content-Type: text/html', '', '<p>Hi</p>');
  assert.equal(textOf(await read(await decorate(fragment, BOTH)), 0), '<div id="h">HEADER</div><p>Hi</p>\n<div id="f">FOOTER</div>\n');
  const commented = mail('From: a@office.example', 'Subject: s', 'Content-Type: text/html', '', '<html><!-- <body> </body> --><body><p>Hi</p></body><!-- </body> --></html>');
  assert.equal(
    textOf(await read(await decorate(commented, BOTH)), 0),
    '<html><!-- <body> </body> --><body><div id="h">HEADER</div><p>Hi</p><div id="f">FOOTER</div></body><!-- </body> --></html>\n',
  );
});

test('the result does not depend on how the message was cut into chunks', async () => {
  const html = '<html><body style="a"><p>x</p></body></html>';
  const sent = alternative(['Content-Type: text/plain'], 'text', ['Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable'], html);
  const whole = await decorate(sent, BOTH, sent.length);
  for (const size of [1, 2, 3, 5, 7, 64]) assert.ok((await decorate(sent, BOTH, size)).equals(whole), `chunks of ${size}`);
  assert.match(textOf(await read(whole), 1), /<body style="a"><div id="h">HEADER<\/div><p>x<\/p><div id="f">FOOTER<\/div><\/body>/);
});

test('a text part with a line over 998 octets and a footer: re-encoded for the line and given the footer, in one edit', async () => {
  const long = 'x'.repeat(1500);
  const sent = mail('From: a@office.example', 'Subject: s', 'Content-Type: text/plain; charset=utf-8', '', long);
  const out = await decorate(sent, BOTH, 4096, true);
  const reading = await read(out);
  assert.ok(reading.longest_line <= 998);
  assert.equal(textOf(reading, 0), `HEADER line\n${long}\nFOOTER line 1\nFOOTER line 2\n`);
});

test('nothing is added to a message its sender signed (DKIM, multipart/signed), nor to a part in a charset iconv-lite does not know', async () => {
  const dkim = mail('DKIM-Signature: v=1; a=rsa-sha256; d=office.example; s=s; h=from; bh=x; b=y', 'From: a@office.example', 'Subject: s', '', 'Body');
  assert.ok((await decorate(dkim, BOTH)).equals(dkim));
  const signed = mail(
    'From: a@office.example',
    'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary=sig',
    '',
    '--sig',
    'Content-Type: text/plain',
    '',
    'Signed body',
    '--sig',
    'Content-Type: application/pkcs7-signature',
    '',
    'AAAA',
    '--sig--',
  );
  assert.ok((await decorate(signed, BOTH)).equals(signed));
  const unknown = mail('From: a@office.example', 'Content-Type: text/plain; charset=x-made-up', '', 'Body');
  assert.ok((await decorate(unknown, BOTH)).equals(unknown));
});

test('HtmlAnchorScanner finds the first <body> start tag and the last </body>, however the octets arrive', () => {
  const html = Buffer.from('<HTML><!--<body>--><Body\tonload="a>b">x</BODY>y</body >z');
  for (const size of [1, 2, 3, 4, 100]) {
    const scanner = new HtmlAnchorScanner();
    for (const chunk of inChunks(html, size)) scanner.feed(chunk);
    assert.deepEqual(scanner.end(), { afterBodyStart: html.indexOf('x'), bodyEnd: html.indexOf('</body >') }, `chunks of ${size}`);
  }
});

test('what a message gets: the list switches, X-SMTPAPI both ways, and nothing forced that the list has not written', () => {
  const list = { list: 'L', header: { on: true, text: 'H', html: '' }, footer: { on: false, text: 'F', html: '<p>F</p>' } };
  assert.equal(additionsFor(undefined, { campaign: null, footer: true }), null, 'a list with nothing written');
  assert.deepEqual(additionsFor(list, null), { header: { text: 'H', html: '' }, footer: null });
  assert.deepEqual(additionsFor(list, { campaign: null, header: false, footer: true }), { header: null, footer: { text: 'F', html: '<p>F</p>' } });
  assert.equal(additionsFor(list, { campaign: null, header: false }), null);
  const empty = { list: 'L', header: { on: false, text: '', html: '' }, footer: { on: true, text: '', html: '' } };
  assert.equal(additionsFor(empty, { campaign: null, header: true, footer: true }), null);
});
