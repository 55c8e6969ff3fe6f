/**
 * "Send a test message" against a real relay and a real upstream
 * (aiosmtpd): the message goes in through the relay's own port as the user,
 * and is followed through the history until the upstream delivered it,
 * deferred it (451) or bounced it (550); through the API and
 * `relay-desk doctor test-message`.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { ok } from '../fixtures/api.js';
import { cli } from '../fixtures/cli.js';
import { startDns } from '../fixtures/dns.js';
import { headerValues } from '../fixtures/messages.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';
import { senderUser } from '../fixtures/scenario.js';
import { startUpstream } from '../fixtures/upstream.js';

async function setUp(t: Parameters<typeof startRelayDesk>[0]) {
  const dns = await startDns(t);
  const upstream = await startUpstream(t);
  const relay = await startRelayDesk(t, { dns, upstream });
  const sender = await senderUser(relay, dns, 'company.test');
  return { relay, upstream, sender };
}

test('a test message is taken by the relay as the user, followed to delivered, and arrives upstream signed', async (t) => {
  const { relay, upstream, sender } = await setUp(t);
  const sent = await ok(relay, 'doctor.sendTestMessage', { user: sender.user, password: sender.password, from: 'info@company.test', to: 'someone@dest.test' });
  assert.equal(sent.sent, true, sent.explanation);
  assert.ok(sent.id);
  assert.match(sent.reply ?? '', new RegExp(`^250 2\\.0\\.0 Ok: queued as ${sent.id}`));
  const delivered = await relay.waitForMessage((m) => m.id === sent.id && m.status === 'delivered');
  assert.equal(delivered.user, sender.user);
  const [received] = await upstream.waitForMessages(1);
  assert.deepEqual([received?.mailFrom, received?.rcptTos], ['info@company.test', ['someone@dest.test']]);
  assert.match(headerValues(received?.raw ?? Buffer.alloc(0), 'Subject')[0] ?? '', /^Relay Desk test message \(/);
  assert.equal(headerValues(received?.raw ?? Buffer.alloc(0), 'DKIM-Signature').length, 1, 'signed for the verified domain, as a device\'s mail is');

  // The command line follows it step by step to the upstream's 250.
  const line = await cli(['doctor', 'test-message', '--user', sender.user, '--from', 'info@company.test', '--to', 'other@dest.test', '--data-dir', relay.dataDir], { stdin: `${sender.password}\n` });
  assert.equal(line.code, 0, line.stderr);
  const lines = line.stdout.trim().split('\n');
  assert.match(lines[0] ?? '', new RegExp(`^accepted: The relay took the message as ${sender.user} on port ${relay.smtpPort} \\(queue id \\S+\\)\\.$`));
  assert.match(lines[1] ?? '', /^ {2}< 250 2\.0\.0 Ok: queued as /);
  assert.match(lines.at(-1) ?? '', /^delivered: 250 /);
  await upstream.waitForMessages(2);
});

test('a test message the upstream defers (451) or bounces (550) is followed to that end, with its reply', async (t) => {
  const { relay, upstream, sender } = await setUp(t);
  await upstream.refuseWith('451 4.3.0 Try again later');
  const deferred = await cli(['doctor', 'test-message', '--user', sender.user, '--from', 'info@company.test', '--to', 'someone@dest.test', '--data-dir', relay.dataDir], { stdin: sender.password });
  assert.equal(deferred.code, 1);
  assert.match(deferred.stdout, /^deferred: .*451 4\.3\.0 Try again later.* \(next attempt \d{4}-\d\d-\d\d \d\d:\d\d\)$/m);
  await upstream.accept();

  await upstream.rejectRecipient('gone@dest.test', '550 5.1.1 No such user');
  const sent = await ok(relay, 'doctor.sendTestMessage', { user: sender.user, password: sender.password, from: 'info@company.test', to: 'gone@dest.test' });
  const bounced = await relay.waitForMessage((m) => m.id === sent.id && m.status === 'bounced');
  assert.match(bounced.lastReply ?? '', /550 5\.1\.1 No such user/);
  const viaCli = await cli(['doctor', 'test-message', '--user', sender.user, '--from', 'info@company.test', '--to', 'gone@dest.test', '--data-dir', relay.dataDir], { stdin: sender.password });
  assert.equal(viaCli.code, 1);
  assert.match(viaCli.stdout, /^bounced: .*550 5\.1\.1 No such user/m);
});

test('a sender the user may not use, or a wrong password, is refused before anything is queued, with the reason', async (t) => {
  const { relay, sender } = await setUp(t);
  const notAllowed = await ok(relay, 'doctor.sendTestMessage', { user: sender.user, password: sender.password, from: 'info@elsewhere.test', to: 'someone@dest.test' });
  assert.deepEqual([notAllowed.sent, notAllowed.id, notAllowed.reply], [false, null, null]);
  assert.match(notAllowed.explanation, new RegExp(`^elsewhere\\.test is not authorized for ${sender.user}; its authorized domains are company\\.test \\(verified\\)`));
  const wrong = await ok(relay, 'doctor.sendTestMessage', { user: sender.user, password: 'not-it', from: 'info@company.test', to: 'someone@dest.test' });
  assert.equal(wrong.sent, false);
  assert.match(wrong.explanation, new RegExp(`^The relay refused the login as ${sender.user}: 535 5\\.7\\.8 `));
  const line = await cli(['doctor', 'test-message', '--user', sender.user, '--from', 'info@company.test', '--to', 'someone@dest.test', '--data-dir', relay.dataDir], { stdin: 'not-it' });
  assert.equal(line.code, 1);
  assert.match(line.stdout, /^refused: The relay refused the login as /);
  assert.equal((await ok(relay, 'messages.list', {})).rows.length, 0, 'nothing was queued');

  // Neither password reached a log.
  const logs = join(relay.dataDir, 'logs');
  for (const file of await readdir(logs)) {
    const text = await readFile(join(logs, file), 'utf8');
    assert.ok(!text.includes(sender.password) && !text.includes('not-it'), `${file} holds a password`);
  }
});
