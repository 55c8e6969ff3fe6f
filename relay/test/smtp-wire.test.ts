/**
 * The delivery client's byte handling: replies read back however the server's
 * packets split them, and DATA encoded exactly as nodemailer's data stream
 * encodes it (the reference the relay used before), for every chunking.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { test } from 'node:test';
import DataStream from 'nodemailer/lib/smtp-connection/data-stream.js';
import { DataEncoder, encodeData, ReplyParser } from '../delivery/smtp-wire.js';

const b = (text: string) => Buffer.from(text, 'latin1');

test('replies: single, multi-line, several in one packet, and one split over packets', () => {
  const parser = new ReplyParser();
  assert.deepEqual(parser.feed(b('220 sink.example ESMTP\r\n')), [{ code: 220, text: '220 sink.example ESMTP' }]);
  assert.deepEqual(parser.feed(b('250-sink.example\r\n250-PIPELINING\r\n250 8BITMIME\r\n')), [
    { code: 250, text: '250-sink.example\n250-PIPELINING\n250 8BITMIME' },
  ]);
  // Pipelined: MAIL, RCPT, RCPT and DATA answered in one packet.
  assert.deepEqual(
    parser.feed(b('250 2.1.0 Ok\r\n550 5.1.1 No such user\r\n452 4.2.2 Full\r\n354 go ahead\r\n')).map((r) => r.code),
    [250, 550, 452, 354],
  );
  assert.deepEqual(parser.feed(b('250-2.0.0 queued')), []);
  assert.deepEqual(parser.feed(b('\r')), []);
  assert.deepEqual(parser.feed(b('\n250 2.0.0 as ')), []);
  assert.deepEqual(parser.feed(b('ABC\r\n')), [{ code: 250, text: '250-2.0.0 queued\n250 2.0.0 as ABC' }]);
});

test('replies: UTF-8 text is kept, a line without a code reads as code 0, an endless line is refused', () => {
  const parser = new ReplyParser();
  assert.deepEqual(parser.feed(Buffer.from('550 5.1.1 Empfänger unbekannt\r\n')), [{ code: 550, text: '550 5.1.1 Empfänger unbekannt' }]);
  assert.deepEqual(parser.feed(b('hello\r\n')), [{ code: 0, text: 'hello' }]);
  assert.throws(() => parser.feed(Buffer.alloc(70_000, 0x41)), /too long/);
});

test('DATA: a dot starting a line is doubled, in the first line and after every line break', () => {
  const out = Buffer.concat(encodeData(b('.first\r\nmiddle\r\n..two\r\n.\r\nlast.\r\n')));
  assert.equal(out.toString('latin1'), '..first\r\nmiddle\r\n...two\r\n..\r\nlast.\r\n.\r\n');
});

test('DATA: the terminator completes an unfinished last line', () => {
  assert.equal(Buffer.concat(encodeData(b('no line break'))).toString('latin1'), 'no line break\r\n.\r\n');
  assert.equal(Buffer.concat(encodeData(b('ends in CR\r'))).toString('latin1'), 'ends in CR\r\n.\r\n');
});

test('DATA: bare LF and bare CR become CRLF, so no \\n.\\n or \\r.\\r can end the message early (SMTP smuggling)', () => {
  const out = Buffer.concat(encodeData(b('a\n.\nMAIL FROM:<x>\r.\rb\r\n'))).toString('latin1');
  assert.equal(out, 'a\r\n..\r\nMAIL FROM:<x>\r\n..\r\nb\r\n.\r\n');
});

test('DATA: a dot or LF at a chunk boundary is handled as if the message were one piece', () => {
  const encoder = new DataEncoder();
  const pieces = [b('line\r'), b('\n'), b('.dot\r\n'), b('.'), b('x\r'), b('.y')].flatMap((c) => encoder.encode(c));
  assert.equal(Buffer.concat([...pieces, encoder.end()]).toString('latin1'), 'line\r\n..dot\r\n..x\r\n..y\r\n.\r\n');
});

/** nodemailer's per-byte data stream, the encoder this one replaced. */
async function nodemailerEncoding(chunks: Buffer[]): Promise<Buffer> {
  return buffer(Readable.from(chunks).pipe(new DataStream()));
}

test('DATA: byte for byte what nodemailer sent, for random messages of dots, CRs and LFs in random chunks', async () => {
  let seed = 42;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const alphabet = b('a.\r\n');
  for (let round = 0; round < 500; round++) {
    const message = Buffer.from(Array.from({ length: 1 + random(60) }, () => alphabet[random(4)] ?? 0x61));
    const chunks: Buffer[] = [];
    for (let at = 0; at < message.length; ) {
      const size = 1 + random(8);
      chunks.push(message.subarray(at, at + size));
      at += size;
    }
    const encoder = new DataEncoder();
    const ours = Buffer.concat([...chunks.flatMap((c) => encoder.encode(c)), encoder.end()]);
    const reference = await nodemailerEncoding(chunks);
    assert.equal(ours.toString('latin1'), reference.toString('latin1'), `message ${JSON.stringify(message.toString('latin1'))}`);
  }
});
