/**
 * The reply patch on a real SMTPConnection of a real (never listening)
 * SMTPServer. Only the socket is a stand-in: an object that records what
 * send() writes. Importing the patches module applies them, as main.ts does.
 * The library adds enhanced codes only when hideENHANCEDSTATUSCODES is false
 * (its default is true), so that is where a second code could appear.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { once } from 'node:events';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { test, type TestContext } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import '../smtp-server-patches.js';

function connection(options: ConstructorParameters<typeof SMTPServer>[0] = {}): { conn: SMTPConnection; written: string[] } {
  const written: string[] = [];
  const socket = {
    readyState: 'open',
    destroyed: false,
    remoteAddress: '192.0.2.10',
    remotePort: 40000,
    localAddress: '192.0.2.1',
    localPort: 2525,
    write: (data: string) => written.push(data),
  };
  const server = new SMTPServer({ logger: false, name: 'relay.test', hideENHANCEDSTATUSCODES: false, ...options });
  return { conn: new SMTPConnection(server, socket as unknown as Socket), written };
}

test('a reply that brings its own enhanced status code is sent with that code only', () => {
  const { conn, written } = connection();
  conn.send(550, '5.7.1 Sender <ceo@evil.example> is not authorized for SMTP user scanner');
  conn.send(451, '4.7.1 Too many messages from scanner this hour', 'MAIL_FROM_OK');
  conn.send(250, '2.0.0 Ok: queued as MIFQ3K2A0123456789');
  conn.send(552, '5.3.4 Message too big');
  assert.deepEqual(written, [
    '550 5.7.1 Sender <ceo@evil.example> is not authorized for SMTP user scanner\r\n',
    '451 4.7.1 Too many messages from scanner this hour\r\n',
    '250 2.0.0 Ok: queued as MIFQ3K2A0123456789\r\n',
    '552 5.3.4 Message too big\r\n',
  ]);
});

test('a reply without its own code still gets the library\'s code, contextual or from the basic code', () => {
  const { conn, written } = connection();
  conn.send(550, 'Mailbox unavailable');
  conn.send(250, 'Accepted', 'RCPT_TO_OK');
  conn.send(221, 'Bye', false);
  conn.send(354, 'End data with <CR><LF>.<CR><LF>');
  assert.deepEqual(written, ['550 5.1.1 Mailbox unavailable\r\n', '250 2.1.5 Accepted\r\n', '221 Bye\r\n', '354 End data with <CR><LF>.<CR><LF>\r\n']);
});

test('text that only looks a little like a code, or has one later on, is not taken for one', () => {
  const { conn, written } = connection();
  conn.send(550, '5.7.1Sender refused'); // no space after the code
  conn.send(550, 'Refused: 5.7.1 Sender'); // not at the start
  conn.send(550, '6.7.1 Sender refused'); // no such class
  assert.deepEqual(written, ['550 5.1.1 5.7.1Sender refused\r\n', '550 5.1.1 Refused: 5.7.1 Sender\r\n', '550 5.1.1 6.7.1 Sender refused\r\n']);
});

test('multi-line replies are left to the library: each line gets its code', () => {
  const { conn, written } = connection();
  conn.send(250, ['relay.test Nice to meet you', 'PIPELINING', '8BITMIME'], 'MAIL_FROM_OK');
  assert.deepEqual(written, ['250-2.1.0 relay.test Nice to meet you\r\n250-2.1.0 PIPELINING\r\n250 2.1.0 8BITMIME\r\n']);
});

test('with the library\'s default (enhanced codes hidden), a reply\'s own code is sent as written and none is invented', () => {
  const { conn, written } = connection({ hideENHANCEDSTATUSCODES: undefined });
  conn.send(550, '5.7.1 Sender refused');
  conn.send(550, 'Plain refusal');
  assert.deepEqual(written, ['550 5.7.1 Sender refused\r\n', '550 Plain refusal\r\n']);
});

/** A real listening server that records each session's id and client address. */
async function listening(t: TestContext, options: ConstructorParameters<typeof SMTPServer>[0] = {}) {
  const sessions: { id: string; remoteAddress: string }[] = [];
  const server = new SMTPServer({
    logger: false,
    ...options,
    onConnect(session, callback) {
      sessions.push({ id: session.id, remoteAddress: session.remoteAddress });
      callback();
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { sessions, port: (server.server.address() as AddressInfo).port };
}

/** Connects, sends `first` if given, and resolves with the greeting line once it arrives. */
async function greeting(port: number, first?: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  if (first) socket.write(first);
  let text = '';
  for await (const chunk of socket) {
    text += String(chunk);
    if (text.includes('\r\n')) break;
  }
  socket.destroy();
  return text;
}

test('session ids keep the library\'s form, 10 random bytes in base 32, and differ on every connection', async (t) => {
  const { sessions, port } = await listening(t);
  // The library drew them from crypto.randomBytes, one call per connection; now none is made.
  const randomBytes = t.mock.method(crypto, 'randomBytes');
  for (let i = 0; i < 50; i++) assert.match(await greeting(port), /^220 /);
  assert.equal(randomBytes.mock.callCount(), 0);
  assert.equal(sessions.length, 50);
  for (const { id } of sessions) assert.match(id, /^[0-9a-v]{16}$/);
  assert.equal(new Set(sessions.map((s) => s.id)).size, 50);
});

test('a listener that expects a PROXY header still gets it read by the library', async (t) => {
  const { sessions, port } = await listening(t, { useProxy: true });
  assert.match(await greeting(port, 'PROXY TCP4 198.51.100.7 192.0.2.1 40000 25\r\n'), /^220 /);
  assert.equal(sessions[0]?.remoteAddress, '198.51.100.7');
  assert.match(sessions[0].id, /^[0-9a-v]{16}$/);
});
