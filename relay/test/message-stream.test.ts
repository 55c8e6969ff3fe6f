/**
 * MessageStream fed the way smtp-server feeds it: chunks cut anywhere. The
 * expected output is built independently (one regex for line endings), so a
 * chunking bug shows as a difference from it.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import type Headers from 'mailsplit/lib/headers.js';
import { MessageStream, normalizeLineEndings, type MessageStreamOptions } from '../session/message-stream.js';

const PREFIX = Buffer.from('{"meta":1}\n');

interface Run {
  output: Buffer;
  headerCalls: Headers[];
  headerTooLarge: boolean;
  longBodyLine: boolean;
}

type Chunks = Iterable<string | Buffer> | AsyncIterable<string | Buffer>;

async function* asBuffers(chunks: Chunks): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) yield Buffer.from(chunk);
}

/** Chunks that count how many of them the stream has pulled. */
function counted(chunks: string[]): { chunks: Generator<string>; pulled: () => number } {
  let pulled = 0;
  function* gen(): Generator<string> {
    for (const chunk of chunks) {
      pulled++;
      yield chunk;
    }
  }
  return { chunks: gen(), pulled: () => pulled };
}

async function run(chunks: Chunks, options: Partial<MessageStreamOptions> = {}): Promise<Run> {
  const headerCalls: Headers[] = [];
  const stream = new MessageStream({
    maxHeaderBytes: 64 * 1024,
    discard: () => false,
    ...options,
    onHeaders: (headers) => {
      headerCalls.push(headers);
      return options.onHeaders ? options.onHeaders(headers) : PREFIX;
    },
  });
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(asBuffers(chunks)),
    stream,
    async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) out.push(chunk);
    },
  );
  return { output: Buffer.concat(out), headerCalls, headerTooLarge: stream.headerTooLarge, longBodyLine: stream.longBodyLine };
}

/** The reference: every CRLF, bare CR or bare LF becomes CRLF. */
function crlf(text: string): string {
  return text.replace(/\r\n|\r|\n/g, '\r\n');
}

function bytesOf(chunk: Buffer): Buffer[] {
  return [...chunk].map((b) => Buffer.from([b]));
}

const MIXED = 'From: a@office.example\nSubject: mixed\r\nX-Folded: one\r\n two\r\r\nline one\nline two\rline three\r\n\n.\n.\r\n..dots\r\rend\r';

test('bare LF and bare CR become CRLF, and CRLF stays one CRLF', async () => {
  const { output } = await run([MIXED]);
  assert.equal(output.toString(), PREFIX.toString() + crlf(MIXED));
  assert.doesNotMatch(output.subarray(PREFIX.length).toString(), /\r(?!\n)|(?<!\r)\n/, 'no bare CR or LF is left');
});

test('a CR ending one chunk and the LF starting the next make one CRLF, and a CR at the very end becomes CRLF', async () => {
  const split = await run(['Subject: s\r', '\n\r', '\nbody\r', '\nlast\r']);
  assert.equal(split.output.toString(), `${PREFIX.toString()}Subject: s\r\n\r\nbody\r\nlast\r\n`);
  const crThenCr = await run(['Subject: s\r\n\r\na\r', '\rb']);
  assert.equal(crThenCr.output.toString(), `${PREFIX.toString()}Subject: s\r\n\r\na\r\n\r\nb`);
});

test('normalizeLineEndings holds back a trailing CR and settles it with the next chunk', () => {
  let pending = false;
  const state = { hasPendingCr: () => pending, setPendingCr: (v: boolean) => (pending = v) };
  assert.equal(normalizeLineEndings(Buffer.from('a\nb\r'), state).toString(), 'a\r\nb');
  assert.equal(pending, true);
  assert.equal(normalizeLineEndings(Buffer.from('\nc'), state).toString(), '\r\nc');
  assert.equal(pending, false);
  assert.equal(normalizeLineEndings(Buffer.from('\r'), state).toString(), '');
  assert.equal(normalizeLineEndings(Buffer.from('d'), state).toString(), '\r\nd');
  const clean = Buffer.from('only\r\ncrlf\r\n');
  assert.equal(normalizeLineEndings(clean, state).toString(), 'only\r\ncrlf\r\n');
});

test('a dot line ended by bare LFs (LF . LF) is body data: it comes out as CRLF . CRLF and the message goes on', async () => {
  const { output } = await run(['Subject: dots\n\nbefore\n.\nafter the dot\n']);
  assert.equal(output.toString(), `${PREFIX.toString()}Subject: dots\r\n\r\nbefore\r\n.\r\nafter the dot\r\n`);
});

test('the output is the same however the message is cut into chunks, down to single bytes', async () => {
  const whole = Buffer.from(MIXED);
  const expected = (await run([whole])).output;
  assert.equal(expected.toString(), PREFIX.toString() + crlf(MIXED));
  for (let i = 0; i <= whole.length; i++) {
    for (let j = i; j <= whole.length; j += 7) {
      const { output, headerCalls } = await run([whole.subarray(0, i), whole.subarray(i, j), whole.subarray(j)]);
      assert.ok(output.equals(expected), `cut at ${i} and ${j}: ${JSON.stringify(output.toString())}`);
      assert.equal(headerCalls.length, 1);
    }
  }
  const single = await run(bytesOf(whole));
  assert.ok(single.output.equals(expected), JSON.stringify(single.output.toString()));
  assert.equal(single.headerCalls.length, 1);
});

test('onHeaders gets the header block once; its prefix comes first, then the rebuilt headers, then the body byte for byte', async () => {
  const body = Buffer.concat([Buffer.from('8bit: caf\u00e9 \u2713\r\n'), Buffer.from([0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff]), Buffer.from('\r\n')]);
  const message = Buffer.concat([Buffer.from('Subject: Hello\r\nX-Remove-Me: yes\r\nFrom: a@office.example\r\n\r\n'), body]);
  for (const chunks of [[message], bytesOf(message)]) {
    const { output, headerCalls } = await run(chunks, {
      onHeaders: (headers) => {
        assert.equal(headers.getFirst('subject'), 'Hello');
        headers.remove('x-remove-me');
        headers.add('X-Added', 'by the test');
        return Buffer.from('PREFIX\n');
      },
    });
    assert.equal(headerCalls.length, 1);
    assert.ok(
      output.equals(Buffer.concat([Buffer.from('PREFIX\nX-Added: by the test\r\nSubject: Hello\r\nFrom: a@office.example\r\n\r\n'), body])),
      JSON.stringify(output.toString('latin1')),
    );
  }
});

test('a message of headers only (no blank line) still reaches onHeaders and comes out with its header block ended', async () => {
  const { output, headerCalls } = await run(['Subject: only headers\r\nFrom: a@', 'office.example\n'], {
    onHeaders: (headers) => {
      headers.add('X-Added', '1');
      return PREFIX;
    },
  });
  assert.equal(headerCalls.length, 1);
  assert.equal(headerCalls[0]?.getFirst('from'), 'a@office.example');
  assert.equal(output.toString(), `${PREFIX.toString()}X-Added: 1\r\nSubject: only headers\r\nFrom: a@office.example\r\n\r\n`);
});

test('a message that starts with the blank line has no headers and its whole rest is body', async () => {
  for (const chunks of [['\r\nBody: not a header\r\n\r\nmore\r\n'], ['\r', '\nBody: not a header\n\nmore\n'], ['\n', 'Body: not a header\r\n\r\nmore\r\n']]) {
    const { output, headerCalls } = await run(chunks);
    assert.equal(headerCalls.length, 1);
    assert.equal(headerCalls[0]?.hasHeader('body'), false, 'the first body line is not taken for a header');
    assert.equal(output.toString(), `${PREFIX.toString()}\r\nBody: not a header\r\n\r\nmore\r\n`);
  }
});

test('a header block past maxHeaderBytes sets headerTooLarge, writes nothing and still reads the message to its end', async () => {
  const hugeHeader = `X-Big: ${'a'.repeat(300)}\r\n`;
  const input = counted([hugeHeader.slice(0, 100), hugeHeader.slice(100), 'Subject: s\r\n\r\n', ...Array.from({ length: 50 }, () => 'body\r\n')]);
  const { output, headerCalls, headerTooLarge } = await run(input.chunks, { maxHeaderBytes: 200 });
  assert.equal(headerTooLarge, true);
  assert.equal(output.length, 0);
  assert.equal(headerCalls.length, 0, 'onHeaders is never called');
  assert.equal(input.pulled(), 53);

  const justUnder = await run([`X-Big: ${'a'.repeat(180)}\r\n`, '\r\nbody'], { maxHeaderBytes: 200 });
  assert.equal(justUnder.headerTooLarge, false);
  assert.equal(justUnder.headerCalls.length, 1);
});

test('once discard() says so, nothing more is written but the input is consumed to the end', async () => {
  const input = counted(['Subject: s\r\n\r\n', ...Array.from({ length: 200 }, (_, i) => `line ${i}\r\n`)]);
  let decisions = 0;
  // One decision per chunk: the header chunk, then lines 0 to 9 pass, line 10 is the first discarded.
  const { output } = await run(input.chunks, { discard: () => ++decisions > 11 });
  assert.equal(input.pulled(), 201);
  const text = output.toString();
  assert.ok(text.startsWith(`${PREFIX.toString()}Subject: s\r\n\r\nline 0\r\n`), text);
  assert.match(text, /line 9\r\n$/);
  assert.doesNotMatch(text, /line 10\r\n/);
});

test('onHeaders returning null discards the message: nothing at all is written and the input is still read', async () => {
  const input = counted(['Subject: refused\r\n\r\n', ...Array.from({ length: 20 }, (_, i) => `body ${i}\r\n`)]);
  const { output, headerCalls } = await run(input.chunks, { onHeaders: () => null });
  assert.equal(headerCalls.length, 1);
  assert.equal(output.length, 0);
  assert.equal(input.pulled(), 21);
});

test('a discard decided before any data writes nothing and never calls onHeaders', async () => {
  const { output, headerCalls } = await run(['Subject: s\r\n\r\nbody\r\n'], { discard: () => true });
  assert.equal(output.length, 0);
  assert.equal(headerCalls.length, 0);
});

test('a message that starts with the blank line keeps its body byte for byte when headers are added', async () => {
  // What the relay does to every message: rewriteHeaders adds Received, X-Priority, ...
  const { output } = await run(['\r\nbody line\r\n'], {
    onHeaders: (headers) => {
      headers.add('X-Added', '1');
      return PREFIX;
    },
  });
  assert.equal(output.toString(), `${PREFIX.toString()}X-Added: 1\r\n\r\nbody line\r\n`);
});

test('a header block past maxHeaderBytes is refused however it is chunked, also when it arrives in one chunk', async () => {
  const message = `X-Big: ${'a'.repeat(300)}\r\n\r\nbody\r\n`;
  const oneChunk = await run([message], { maxHeaderBytes: 200 });
  const byteByByte = await run(Array.from(Buffer.from(message), (byte) => Buffer.from([byte])), { maxHeaderBytes: 200 });
  assert.equal(byteByByte.headerTooLarge, true);
  assert.equal(oneChunk.headerTooLarge, true);
  assert.equal(oneChunk.output.length, 0);
});

test('a body line over 998 octets is noted however the message is chunked; a line of 998, or a long header line, is not', async () => {
  const header = `Subject: s\r\nX-Long: ${'h'.repeat(1200)}\r\n\r\n`;
  for (const [body, long] of [
    [`short\r\n${'b'.repeat(998)}\r\nend\r\n`, false],
    [`short\r\n${'b'.repeat(999)}\r\nend\r\n`, true],
    [`short\n${'b'.repeat(999)}\nend\n`, true],
    ['b'.repeat(5000), true],
  ] as const) {
    const message = Buffer.from(header + body);
    for (const chunks of [[message], [message.subarray(0, 700), message.subarray(700, 1500), message.subarray(1500)], bytesOf(message)]) {
      const { longBodyLine } = await run(chunks);
      assert.equal(longBodyLine, long, `${JSON.stringify(body.slice(0, 20))}... in ${chunks.length} chunks`);
    }
  }
});
