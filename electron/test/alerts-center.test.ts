/**
 * The alert center's own logic, with its clock in the test's hands (no
 * waiting for an hour): rules, the anti-storm window and its "and N more",
 * digests grouped by kind with counts, overdue deferred messages, and a
 * webhook retried until a real HTTP server (node:http) takes it. The
 * desktop channel is the host's event, captured here as the shell would.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { AlertChannel, AlertHistoryEntry, AlertRaised } from '../api/schemas/alerts.js';
import { AlertCenter } from '../host/alerts/alert-center.js';
import type { Alert } from '../host/alerts/alert.js';
import { ALERT_HISTORY_FILE, AlertHistory } from '../host/alerts/history-file.js';
import { SIGNATURE_HEADER } from '../host/alerts/webhook.js';
import type { HostContext, SystemMail } from '../host/context.js';
import { openKeyFile } from '../host/key-file.js';
import { Store } from '../host/store/store.js';
import { Vault } from '../host/vault.js';
import { vaultNames } from '../host/vault-names.js';
import { testSettings } from './settings-fixture.js';
import { TokenKeeper } from '../host/oauth/token-keeper.js';
import { generateCertificate } from '../host/services/server/certificate.js';
import { generate } from 'selfsigned';

const HOUR = 3_600_000;
const MINUTE = 60_000;

interface Harness {
  center: AlertCenter;
  ctx: HostContext;
  shown: AlertRaised[];
  mails: SystemMail[];
  history: AlertHistory;
  clock: { now: number };
}

async function harness(t: TestContext, channels: AlertChannel[], options: { retry?: number[] } = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'relay-desk-alerts-'));
  const store = await Store.open(dir, () => testSettings());
  await store.update((draft) => void (draft.alerts.channels = channels));
  const vault = await Vault.open(dir, await openKeyFile(dir));
  const mails: SystemMail[] = [];
  const ctx: HostContext = {
    dataDir: dir,
    store,
    vault,
    relayChanged: () => Promise.resolve(),
    usersChanged: () => Promise.resolve(),
    submitMail: (mail) => {
      mails.push(mail);
      return Promise.resolve(`q${mails.length}`);
    },
    dnsServers: () => [],
    hostname: () => 'office-pc.example',
    oauth: new TokenKeeper({ settings: () => null, vault, tokensChanged: () => Promise.resolve() }),
  };
  const shown: AlertRaised[] = [];
  const history = await AlertHistory.open(dir);
  // 10:30 local time on a day: the hour's digest ends at 11:00.
  const clock = { now: new Date(2026, 11, 5, 10, 30).getTime() };
  const center = new AlertCenter({ ctx, history, showOnDesktop: (a) => shown.push(a), now: () => clock.now, ...(options.retry ? { webhookRetryDelaysMs: options.retry } : {}) });
  t.after(async () => {
    center.stop();
    await history.idle();
    await rm(dir, { recursive: true, force: true });
  });
  return { center, ctx, shown, mails, history, clock };
}

const desktop = (frequency: AlertChannel['frequency']): AlertChannel => ({ id: 'ch_desk', type: 'desktop', frequency, addedAt: '2026-12-05T00:00:00.000Z' });

function alert(kind: Alert['kind'], subject: string, list: string | null = null): Alert {
  return { kind, subject, list, title: `${kind} ${subject}`, body: `About ${subject}.`, messageId: kind === 'message-bounced' ? subject : null };
}

test('an hourly digest holds what happened in its hour and sends it once the hour is over, grouped by kind with counts', async (t) => {
  const h = await harness(t, [desktop('hourly')]);
  for (const s of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) h.center.raise(alert('user-blocked', s));
  h.center.raise(alert('message-bounced', 'q1'));
  h.center.raise(alert('message-bounced', 'q2'));
  h.clock.now += 29 * MINUTE;
  h.center.tick();
  assert.equal(h.shown.length, 0, 'nothing before the hour is over');

  h.clock.now += 2 * MINUTE;
  h.center.raise(alert('relay-down', 'port 2525'));
  h.center.tick();
  assert.equal(h.shown.length, 1);
  const [digest] = h.shown;
  assert.equal(digest?.kind, 'digest');
  assert.equal(digest.title, 'Hourly digest: 3 user-blocked, 2 message-bounced');
  assert.match(digest.body, /^5 alerts since .*, by kind:\n\nuser-blocked: 3\n {2}- user-blocked 10\.0\.0\.1\n/);
  assert.match(digest.body, /\nmessage-bounced: 2\n {2}- message-bounced q1\n {2}- message-bounced q2$/);

  // What came after the hour is the next digest's.
  h.clock.now += HOUR;
  h.center.tick();
  assert.deepEqual(
    h.shown.map((a) => a.title),
    ['Hourly digest: 3 user-blocked, 2 message-bounced', 'Hourly digest: 1 relay-down'],
  );
  assert.deepEqual(
    h.history.list().map((e) => [e.kind, e.channelType, e.delivered]),
    [
      ['digest', 'desktop', true],
      ['digest', 'desktop', true],
    ],
  );
});

test('the same alert goes out once per 15 minutes; the flood is summed up when the window ends', async (t) => {
  const h = await harness(t, [desktop('immediate')]);
  for (let i = 0; i < 241; i++) h.center.raise(alert('delivery-problem', 'upstream'));
  assert.deepEqual(
    h.shown.map((a) => a.title),
    ['delivery-problem upstream'],
  );
  h.clock.now += 15 * MINUTE;
  h.center.tick();
  assert.deepEqual(
    h.shown.map((a) => a.title),
    ['delivery-problem upstream', 'delivery-problem upstream (and 240 more)'],
  );
  assert.match(h.shown[1]?.body ?? '', /And 240 more like it in the last 15 minutes\.$/);
  // The summary opened a new window: the next one is held for it.
  h.center.raise(alert('delivery-problem', 'upstream'));
  assert.equal(h.shown.length, 2);
});

test('many subjects of one kind: ten go out in a window, the rest in one summary', async (t) => {
  const h = await harness(t, [desktop('immediate')]);
  for (let i = 0; i < 25; i++) h.center.raise(alert('sender-refused', `s1 user${i}@elsewhere.example`));
  assert.equal(h.shown.length, 10);
  h.clock.now += 15 * MINUTE;
  h.center.tick();
  assert.equal(h.shown.length, 11);
  assert.equal(h.shown[10]?.title, '15 more alerts like "sender-refused s1 user0@elsewhere.example"');
});

test('a kind switched off sends nothing; a list\'s own rule wins over the one for every list', async (t) => {
  const h = await harness(t, [desktop('immediate')]);
  await h.ctx.store.update((draft) => {
    const bounced = draft.alerts.rules.find((r) => r.kind === 'message-bounced');
    if (bounced) bounced.on = false;
    draft.alerts.rules.push({ kind: 'message-bounced', list: 'Invoices', on: true, threshold: null, queueThreshold: null });
  });
  h.center.raise(alert('message-bounced', 'q1', 'SMTP+'));
  h.center.raise(alert('message-bounced', 'q2', 'Invoices'));
  assert.deepEqual(
    h.shown.map((a) => [a.title, a.messageId]),
    [['message-bounced q2', 'q2']],
  );
});

test('a message deferred past the rule\'s minutes is found by the timer\'s check, once', async (t) => {
  const h = await harness(t, [desktop('immediate')]);
  const accepted = {
    type: 'accepted',
    id: 'q7',
    session: 's',
    user: 's123456_0',
    via: 'auth',
    list: 'SMTP+',
    envelope: { from: 'clerk@company.example', to: ['boss@example.org'] },
    from: 'clerk@company.example',
    fromName: '',
    subject: 'Invoice 7',
    size: 100,
    tls: true,
    priority: 3,
    campaign: null,
    addedHeaders: [],
  } as const;
  h.center.relayEvent({ ...accepted, envelope: { ...accepted.envelope, to: [...accepted.envelope.to] }, addedHeaders: [] });
  h.center.relayEvent({ type: 'deferred', id: 'q7', recipients: ['boss@example.org'], error: '451 4.3.0 busy', attempts: 1, nextAttemptAt: '2026-12-05T10:40:00.000Z' });
  assert.equal(h.shown.length, 0);
  h.clock.now += 31 * MINUTE;
  h.center.tick();
  assert.deepEqual(
    h.shown.map((a) => [a.kind, a.title, a.messageId]),
    [['delivery-problem', 'A message has been deferred for more than 30 minutes', 'q7']],
  );
  h.clock.now += HOUR;
  h.center.tick();
  assert.equal(h.shown.length, 1, 'said once');
});

test('a webhook that fails twice is retried with backoff until it takes the POST; the history says delivered after 3 tries, signed each time', async (t) => {
  const received: { status: number; signature: string; body: string }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const status = received.length < 2 ? 503 : 200;
      received.push({ status, signature: String(req.headers[SIGNATURE_HEADER.toLowerCase()]), body });
      res.writeHead(status).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  t.after(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const h = await harness(t, [{ id: 'ch_hook', type: 'webhook', url, deliveryEvents: false, frequency: 'immediate', addedAt: '2026-12-05T00:00:00.000Z' }], { retry: [5, 5, 5] });
  await h.ctx.vault.change((v) => v.set(vaultNames.webhookSecret('ch_hook'), 'whsec_test'));

  const recorded = once(h.history, 'added');
  const [first] = await h.center.test();
  assert.deepEqual([first?.delivered, first?.detail], [false, 'the webhook answered HTTP 503']);
  // The history hears the final outcome, written to the file when it comes.
  const [entry] = (await recorded) as [AlertHistoryEntry];
  assert.deepEqual([entry.delivered, entry.detail], [true, 'HTTP 200 (after 3 tries)']);
  const path = join(h.ctx.dataDir, ALERT_HISTORY_FILE);
  assert.deepEqual(received.map((r) => r.status), [503, 503, 200]);
  for (const r of received) {
    const [, t1, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(r.signature) ?? assert.fail(r.signature);
    assert.equal(v1, createHmac('sha256', 'whsec_test').update(`${t1}.${r.body}`).digest('hex'));
  }
  assert.equal((await readFile(path, 'utf8')).split('\n').filter(Boolean).length, 1);
});

test('the upstream\'s OAuth sign-in ended by the provider is one delivery-problem alert, again only after a new sign-in ended too', async (t) => {
  const h = await harness(t, [desktop('immediate')]);
  const status = (state: 'signed-in' | 'sign-in-again', problem: string | null) => ({ state, account: 'relay@office.example', expiresAt: null, problem });
  h.center.upstreamOAuth(status('signed-in', null));
  h.center.upstreamOAuth(status('sign-in-again', 'https://login.example/token: invalid_grant (grant request is invalid)'));
  // The keeper reports again while it lasts (a failed sign-in attempt, a refused token): not a new alert.
  h.center.upstreamOAuth(status('sign-in-again', 'The sign-in did not finish: access_denied'));
  assert.deepEqual(
    h.shown.map((a) => [a.kind, a.title]),
    [['delivery-problem', 'Sign in again to the upstream as relay@office.example']],
  );
  assert.match(h.shown[0]?.body ?? '', /^The provider no longer accepts the relay's sign-in \(.*invalid_grant.*\)\. Mail waits in the queue, nothing is bounced; sign in again/);

  // Signed in, then ended again, after the anti-storm window: said again.
  h.center.upstreamOAuth(status('signed-in', null));
  h.clock.now += 16 * MINUTE;
  h.center.upstreamOAuth(status('sign-in-again', 'invalid_grant'));
  assert.equal(h.shown.length, 2);
});

test('certificate-expiring counts the certificate that ends first: an ECDSA twin ending soon raises it though the RSA one lasts', async (t) => {
  const h = await harness(t, [desktop('immediate')]);
  const now = new Date(h.clock.now);
  const { rsa, ecdsa } = await generateCertificate('office-pc.example', [], now);
  await h.ctx.store.update((draft) => void (draft.server.tls = { source: 'generated', cert: rsa.cert, ecdsaCert: ecdsa.cert }));
  h.center.start();
  assert.equal(h.shown.length, 0, 'both last two years');

  const short = await generate([{ name: 'commonName', value: 'office-pc.example' }], { keyType: 'ec', algorithm: 'sha256', notBeforeDate: now, notAfterDate: new Date(h.clock.now + 5 * 24 * HOUR) });
  await h.ctx.store.update((draft) => {
    if (draft.server.tls) draft.server.tls.ecdsaCert = short.cert;
  });
  h.center.stop();
  h.center.start();
  assert.deepEqual(
    h.shown.map((a) => [a.kind, a.title]),
    [['certificate-expiring', "The relay's TLS certificate expires in 5 days"]],
  );
});
