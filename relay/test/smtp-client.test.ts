/**
 * The relay's delivery client against real servers on loopback: smtp-server
 * (PIPELINING, AUTH, per-recipient refusals, with and without pipelining) and
 * a scripted server for what smtp-server would never do (answer only once a
 * whole pipelined batch is in, multi-line final replies, drop connections).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { test, type TestContext } from 'node:test';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { createSmarthostDeliverer } from '../delivery/smarthost.js';
import type { DeliveryJob } from '../delivery/types.js';

interface Received {
  from: string;
  to: string[];
  body: string;
}

async function upstream(t: TestContext, options: Partial<SMTPServerOptions> = {}) {
  const received: Received[] = [];
  let connections = 0;
  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    // The deliverer's pooled connections may outlive the test; closing should not wait for them.
    closeTimeout: 50,
    onConnect: (_session, done) => {
      connections++;
      done();
    },
    onRcptTo: (address, _session, done) => {
      const [, code, message] = /^(\d{3})-(.*)@/.exec(address.address) ?? [];
      if (code && message) done(Object.assign(new Error(message.replace(/_/g, ' ')), { responseCode: Number(code) }));
      else done();
    },
    onData: (stream, session, done) => {
      void text(stream).then((body) => {
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), body });
        done();
      });
    },
    ...options,
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.server.address() as AddressInfo).port, received, connections: () => connections };
}

function deliverer(t: TestContext, port: number, auth: { user: string; password: string } | null = null) {
  const d = createSmarthostDeliverer(
    { mode: 'smarthost', host: '127.0.0.1', port, security: 'none', auth, rejectUnauthorized: true },
    { hostname: 'relay.test', dkim: [] },
  );
  t.after(() => d.close());
  return d;
}

function job(recipients: string[], body = 'From: a@office.example\r\n\r\nHello\r\n'): DeliveryJob {
  return { id: 'T1', from: 'a@office.example', recipients, body: () => Readable.from([Buffer.from(body)]), fromDomain: 'office.example' };
}

const statuses = (results: { recipient: string; status: string; code?: number }[]) => results.map((r) => [r.recipient, r.status, r.code]);

test('per recipient: accepted ones delivered, a 550 fails, a 452 defers, each with its own reply', async (t) => {
  const server = await upstream(t);
  const results = await deliverer(t, server.port).deliver(job(['boss@example.org', '550-No_such_user@example.org', '452-Mailbox_full@example.org']));
  assert.deepEqual(statuses(results), [
    ['boss@example.org', 'delivered', 250],
    ['550-No_such_user@example.org', 'failed', 550],
    ['452-Mailbox_full@example.org', 'deferred', 452],
  ]);
  assert.match(results[1]?.response ?? '', /^550 .*No such user/);
  assert.match(results[0]?.response ?? '', /^250 /);
  assert.deepEqual(server.received.map((r) => r.to), [['boss@example.org']]);
});

for (const hidePIPELINING of [false, true]) {
  const how = hidePIPELINING ? 'one command at a time' : 'pipelined';
  test(`${how}: the body arrives dot-unstuffed exactly, bare line ends as CRLF, and the connection is reused`, async (t) => {
    const server = await upstream(t, { hidePIPELINING });
    const d = deliverer(t, server.port);
    const body = 'Subject: dots\r\n\r\n.one\r\n..two\r\n.\r\nbare\nlf\r\nend';
    for (let i = 0; i < 3; i++) assert.equal((await d.deliver(job(['boss@example.org'], body)))[0]?.status, 'delivered');
    assert.equal(server.received.length, 3);
    assert.equal(server.received[0]?.body, 'Subject: dots\r\n\r\n.one\r\n..two\r\n.\r\nbare\r\nlf\r\nend\r\n');
    assert.equal(server.connections(), 1);
  });

  test(`${how}: every recipient refused: nothing is sent, each keeps its verdict, and the session goes on`, async (t) => {
    const server = await upstream(t, { hidePIPELINING });
    const d = deliverer(t, server.port);
    const results = await d.deliver(job(['550-Gone@example.org', '451-Later@example.org']));
    assert.deepEqual(statuses(results), [
      ['550-Gone@example.org', 'failed', 550],
      ['451-Later@example.org', 'deferred', 451],
    ]);
    assert.equal((await d.deliver(job(['boss@example.org'])))[0]?.status, 'delivered');
    assert.equal(server.received.length, 1);
    assert.equal(server.connections(), 1);
  });
}

test('a refused sender fails every recipient with the MAIL reply; a 4xx one defers them', async (t) => {
  let code = 553;
  const server = await upstream(t, {
    onMailFrom: (_address, _session, done) => done(Object.assign(new Error('Sender refused'), { responseCode: code })),
  });
  const d = deliverer(t, server.port);
  assert.deepEqual(statuses(await d.deliver(job(['boss@example.org', 'team@example.org']))), [
    ['boss@example.org', 'failed', 553],
    ['team@example.org', 'failed', 553],
  ]);
  code = 451;
  assert.deepEqual(statuses(await d.deliver(job(['boss@example.org']))), [['boss@example.org', 'deferred', 451]]);
});

for (const method of ['PLAIN', 'LOGIN']) {
  test(`AUTH ${method}: the smarthost login is used, and a wrong password defers with the server's reply`, async (t) => {
    const server = await upstream(t, {
      authOptional: false,
      authMethods: [method],
      allowInsecureAuth: true,
      onAuth: (auth, _session, done) => (auth.password === 'right' ? done(null, { user: auth.username }) : done(new Error('Bad credentials'))),
    });
    const ok = await deliverer(t, server.port, { user: 'relay', password: 'right' }).deliver(job(['boss@example.org']));
    assert.equal(ok[0]?.status, 'delivered', ok[0]?.response);
    const [bad] = await deliverer(t, server.port, { user: 'relay', password: 'wrong' }).deliver(job(['boss@example.org']));
    assert.ok(bad);
    assert.equal(bad.status, 'deferred');
    assert.equal(bad.code, 535);
    assert.match(bad.response, /refused the login; check the user name and password: 535/);
  });
}

/** A server that reads whole lines and answers each batch with `answer(lines)`; null closes the connection. */
async function scripted(t: TestContext, answer: (lines: string[], socket: Socket) => string | null) {
  const batches: string[][] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.write('220 scripted ESMTP\r\n');
    let partial = '';
    socket.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('latin1')).split('\r\n');
      partial = lines.pop() ?? '';
      batches.push(lines);
      const reply = answer(lines, socket);
      if (reply === null) socket.destroy();
      else if (reply) socket.write(reply);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    server.close();
    for (const socket of sockets) socket.destroy();
  });
  return { port: (server.address() as AddressInfo).port, batches };
}

test('pipelined: MAIL, every RCPT and DATA arrive in one packet; a multi-line final reply is kept whole', async (t) => {
  const server = await scripted(t, (lines) => {
    if (lines[0]?.startsWith('EHLO')) return '250-scripted\r\n250 PIPELINING\r\n';
    // Answered only once the whole batch is in: a client that waited for MAIL's reply would hang here.
    if (lines[0]?.startsWith('MAIL')) return lines.length === 4 ? '250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n' : '';
    if (lines.includes('.')) return '250-2.0.0 Queued\r\n250 2.0.0 as ABC\r\n';
    return '250 ok\r\n';
  });
  const results = await deliverer(t, server.port).deliver(job(['boss@example.org', 'team@example.org']));
  assert.deepEqual(statuses(results), [
    ['boss@example.org', 'delivered', 250],
    ['team@example.org', 'delivered', 250],
  ]);
  assert.equal(results[0]?.response, '250-2.0.0 Queued 250 2.0.0 as ABC');
  assert.deepEqual(server.batches[1], ['MAIL FROM:<a@office.example>', 'RCPT TO:<boss@example.org>', 'RCPT TO:<team@example.org>', 'DATA']);
});

test('a connection the server drops between messages is replaced, and one dropped mid-transaction defers', async (t) => {
  let messages = 0;
  const server = await scripted(t, (lines, socket) => {
    if (lines[0]?.startsWith('EHLO')) return '250 scripted\r\n';
    if (lines.includes('.')) {
      messages++;
      // The first message is taken, then the server goes away while the session sits idle.
      if (messages === 1) setTimeout(() => socket.destroy(), 20);
      return messages === 3 ? null : '250 2.0.0 queued\r\n';
    }
    if (lines[0] === 'DATA') return '354 go\r\n';
    return '250 ok\r\n';
  });
  const d = deliverer(t, server.port);
  assert.equal((await d.deliver(job(['boss@example.org'])))[0]?.status, 'delivered');
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal((await d.deliver(job(['boss@example.org'])))[0]?.status, 'delivered');
  const [dropped] = await d.deliver(job(['boss@example.org']));
  assert.ok(dropped);
  assert.equal(dropped.status, 'deferred');
  assert.equal(dropped.code, undefined);
  assert.match(dropped.response, /^smarthost 127\.0\.0\.1:\d+: .*(closed|ECONNRESET)/);
});

test('a message stream is closed when the server refuses the message before DATA (no file left open)', async (t) => {
  const server = await upstream(t);
  const streams: Readable[] = [];
  const refused: DeliveryJob = {
    ...job(['550-Gone@example.org']),
    body: () => {
      const stream = Readable.from([Buffer.from('Subject: x\r\n\r\nbody\r\n')]);
      streams.push(stream);
      return stream;
    },
  };
  const [result] = await deliverer(t, server.port).deliver(refused);
  assert.equal(result?.status, 'failed');
  assert.equal(streams.length, 1);
  assert.equal(streams[0]?.destroyed, true);
});

test('only a large message asks for a full collection: small streamed bodies (read back from the spool) never do', async (t) => {
  const server = await upstream(t);
  const d = deliverer(t, server.port);
  const global = globalThis as { gc?: () => void };
  const saved = global.gc;
  let collections = 0;
  global.gc = () => collections++;
  t.after(() => {
    global.gc = saved;
  });
  const streamed = (chunks: number, size: number): DeliveryJob => ({
    ...job(['boss@example.org']),
    body: () => Readable.from([Buffer.from('Subject: big\r\n\r\n'), ...Array.from({ length: chunks }, () => Buffer.alloc(size, 'a\r\n'))]),
  });
  // 40 messages of 240 KB, 9.6 MB in all: more than the 8 MB between collections, each one small.
  for (let i = 0; i < 40; i++) assert.equal((await d.deliver(streamed(4, 60 * 1024)))[0]?.status, 'delivered');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(collections, 0);
  // One of 9 MB: its bytes past the held size count.
  assert.equal((await d.deliver(streamed(36, 256 * 1024)))[0]?.status, 'delivered');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(collections, 1);
});
