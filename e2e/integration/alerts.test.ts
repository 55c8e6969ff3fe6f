/**
 * The alert center through the real relay (issue 17, "What it must show"):
 * wrong passwords from swaks, alert mail at an aiosmtpd admin mailbox, and a
 * webhook whose signature Python's hmac module checks; a dead upstream.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ok } from '../fixtures/api.js';
import { assertOneLineError, cli, cliJson, cliOk } from '../fixtures/cli.js';
import { startDns } from '../fixtures/dns.js';
import { freePort } from '../fixtures/ports.js';
import { startRelayDesk, type RelayDesk } from '../fixtures/relay-desk.js';
import { senderUser } from '../fixtures/scenario.js';
import { swaks } from '../fixtures/smtp-clients.js';
import { startUpstream } from '../fixtures/upstream.js';
import { startWebhookReceiver, type WebhookReceiver } from '../fixtures/webhook.js';

const at = (relay: RelayDesk) => ['--data-dir', relay.dataDir];

/** Adds the webhook channel through the CLI, hands the secret it printed once to the receiver, and returns the channel's id. */
async function addWebhook(relay: RelayDesk, hook: WebhookReceiver, extra: string[] = []): Promise<string> {
  const printed = await cliOk(['alerts', 'channel', 'add', '--webhook', hook.url, ...extra, ...at(relay)]);
  const secret = /^Signing secret \(shown this once; .*\): (whsec_\S+)$/m.exec(printed)?.[1] ?? assert.fail(printed);
  await hook.setSecret(secret);
  return /^Added alert channel (ch_[0-9a-f]+): /.exec(printed)?.[1] ?? assert.fail(printed);
}

test('five wrong passwords: one user-blocked alert mail at the admin mailbox and one webhook POST a Python verifier accepts', async (t) => {
  const dns = await startDns(t);
  const upstream = await startUpstream(t);
  const relay = await startRelayDesk(t, { dns, upstream });
  const { user } = await senderUser(relay, dns, 'company.example');
  const hook = await startWebhookReceiver(t);
  assert.match(
    await cliOk(['alerts', 'channel', 'add', '--email', 'admin@office.example', '--from', 'alerts@company.example', ...at(relay)]),
    /^Added alert channel ch_[0-9a-f]+: email to admin@office\.example from alerts@company\.example, each alert at once\.\n$/,
  );
  await addWebhook(relay, hook);

  for (let i = 0; i < 5; i++) {
    const tried = await swaks(relay.smtpPort, ['--from', 'clerk@company.example', '--to', 'boss@example.org', '--tls', '--auth', 'PLAIN', '--auth-user', user, '--auth-password', `wrong-${i}`]);
    assert.match(tried.output, /535 5\.7\.8/);
  }
  // The history and the alert center hear the same relay events in order: once the history holds the five, every one was judged.
  await relay.waitForRefusals((rows) => rows.filter((r) => r.stage === 'auth').length === 5);
  const [mail] = await upstream.waitForMessages(1);
  const [post] = await hook.waitForPosts(1);

  // A test alert behind them: once it arrived, anything raised before it would have too.
  await cliOk(['alerts', 'test', ...at(relay)]);
  const mails = await upstream.waitForMessages(2);
  const posts = await hook.waitForPosts(2);
  assert.equal(mails.length, 2);
  assert.equal(posts.length, 2);

  assert.ok(mail);
  assert.equal(mail.mailFrom, 'alerts@company.example');
  assert.deepEqual(mail.rcptTos, ['admin@office.example']);
  const text = mail.raw.toString('utf8');
  assert.match(text, /^Subject: \[Relay Desk\] 5 failed logins from 127\.0\.0\.1, last as s\d+_0\r$/m);
  assert.match(text, /^X-Relay-Desk-Alert: user-blocked\r$/m);
  assert.match(text, new RegExp(`the last time as SMTP user ${user}\\.`));
  assert.match(mails[1]?.raw.toString('utf8') ?? '', /^Subject: \[Relay Desk\] Test alert\r$/m);

  assert.ok(post);
  assert.deepEqual([post.status, post.valid, post.problem, post.contentType], [200, true, null, 'application/json']);
  assert.deepEqual([post.body.type, post.body.kind, post.body.subject], ['alert', 'user-blocked', 'address 127.0.0.1']);
  assert.deepEqual([posts[1]?.valid, posts[1]?.body.kind], [true, 'test']);

  const history = await ok(relay, 'alerts.history', {});
  assert.deepEqual(
    history.entries.map((e) => [e.kind, e.channelType, e.delivered]).sort(),
    [
      ['test', 'email', true],
      ['test', 'webhook', true],
      ['user-blocked', 'email', true],
      ['user-blocked', 'webhook', true],
    ],
  );
  assert.match(await cliOk(['alerts', 'history', ...at(relay)]), /user-blocked +webhook http:\/\/127\.0\.0\.1:\d+\/relay-desk +delivered +HTTP 200/);
});

test('a dead upstream: five messages deferred make one delivery-problem alert, not five', async (t) => {
  const dns = await startDns(t);
  // Nothing listens there: every attempt fails to connect.
  const relay = await startRelayDesk(t, { dns, upstream: { host: '127.0.0.1', port: await freePort() } });
  const { user, password } = await senderUser(relay, dns, 'company.example');
  const hook = await startWebhookReceiver(t);
  await addWebhook(relay, hook);

  for (let i = 0; i < 5; i++) {
    const sent = await swaks(relay.smtpPort, [
      ...['--from', 'clerk@company.example', '--to', `customer${i}@example.org`, '--header', 'Subject: invoice', '--header', 'From: <clerk@company.example>'],
      ...['--tls', '--auth', 'PLAIN', '--auth-user', user, '--auth-password', password],
    ]);
    assert.equal(sent.code, 0, sent.output);
  }
  await waitForDeferred(relay, 5);
  await cliOk(['alerts', 'test', ...at(relay)]);
  const posts = await hook.waitForPosts(2);
  assert.deepEqual(
    posts.map((p) => [p.valid, p.body.kind]),
    [
      [true, 'delivery-problem'],
      [true, 'test'],
    ],
  );
  assert.match(String(posts[0]?.body.title), /^The upstream (127\.0\.0\.1:\d+ is not taking mail|cannot be reached)$/);
});

/** Resolves once the send status has shown `count` messages deferred (each message.updated event lists them again). */
async function waitForDeferred(relay: RelayDesk, count: number): Promise<void> {
  const deferred = new Set<string>();
  await relay.waitForMessage((m) => {
    if (m.status === 'deferred') deferred.add(m.id);
    return deferred.size >= count;
  });
}

test('alerts rule and channel commands: thresholds and a list\'s own rule, refusals said in one line, delivery events to a webhook that asks for them', async (t) => {
  const dns = await startDns(t);
  const upstream = await startUpstream(t);
  const relay = await startRelayDesk(t, { dns, upstream });
  const { user, password } = await senderUser(relay, dns, 'company.example');
  await ok(relay, 'lists.create', { name: 'Invoices' });

  assert.match(await cliOk(['alerts', 'rule', 'set', 'delivery-problem', 'on', '--threshold', '10', '--queue-threshold', '500', ...at(relay)]), /^delivery-problem +\(every list\) +on +10 minutes deferred +500 queued *$/m);
  assert.match(await cliOk(['alerts', 'rule', 'set', 'message-bounced', 'off', '--list', 'Invoices', ...at(relay)]), /^message-bounced +Invoices +off +- +-$/m);
  assertOneLineError(await cli(['alerts', 'rule', 'set', 'sender-refused', 'on', '--threshold', '3', ...at(relay)]), /^relay-desk: --threshold: Alerts of kind sender-refused have no threshold\.$/);
  assertOneLineError(await cli(['alerts', 'rule', 'set', 'nonsense', 'on', ...at(relay)]), /KIND/);
  const rules = await cliJson<{ kind: string; list: string | null; on: boolean }[]>(['alerts', 'rule', 'list', '--json', ...at(relay)]);
  assert.deepEqual(rules.filter((r) => r.kind === 'message-bounced').map((r) => [r.list, r.on]), [
    [null, true],
    ['Invoices', false],
  ]);

  assertOneLineError(
    await cli(['alerts', 'channel', 'add', '--webhook', 'http://hooks.example.com/x', ...at(relay)]),
    /^relay-desk: --webhook: A webhook URL must be https:\/\/, or http:\/\/ only to this computer/,
  );
  assertOneLineError(
    await cli(['alerts', 'channel', 'add', '--email', 'admin@office.example', '--from', 'someone@elsewhere.example', ...at(relay)]),
    /^relay-desk: --from: someone@elsewhere\.example is not a verified sender: verify it \(or its domain\) under Senders first/,
  );
  const hook = await startWebhookReceiver(t);
  const id = await addWebhook(relay, hook, ['--events']);
  assert.match(await cliOk(['alerts', 'channel', 'list', ...at(relay)]), new RegExp(`^${id} +webhook http://127\\.0\\.0\\.1:\\d+/relay-desk \\(with delivery events\\) +immediate *$`, 'm'));

  const sent = await swaks(relay.smtpPort, [
    ...['--from', 'clerk@company.example', '--to', 'customer@example.org', '--header', 'Subject: invoice', '--header', 'From: <clerk@company.example>'],
    ...['--tls', '--auth', 'PLAIN', '--auth-user', user, '--auth-password', password],
  ]);
  const queueId = /queued as (\S+)/.exec(sent.output)?.[1] ?? assert.fail(sent.output);
  // Each event is its own POST, sent as it happens: they may arrive in either order, and carry when they happened.
  const posts = [...(await hook.waitForPosts(2))].sort((a, b) => Date.parse(String(a.body.at)) - Date.parse(String(b.body.at)));
  assert.deepEqual(
    posts.map((p) => [p.valid, p.body.type, p.body.event, p.body.id]),
    [
      [true, 'delivery', 'accepted', queueId],
      [true, 'delivery', 'delivered', queueId],
    ],
  );
  assert.equal((await upstream.waitForMessages(1)).length, 1);

  assert.equal(await cliOk(['alerts', 'channel', 'remove', id, ...at(relay)]), `Removed alert channel ${id}.\n`);
  assertOneLineError(await cli(['alerts', 'test', ...at(relay)]), /^relay-desk: There is no alert channel to test: add one first\.$/);
});
