/**
 * A renamed list keeps its history, through the real host and relay: the
 * messages sent before the rename show under the new name in the Messages
 * filter and count in its statistics, with the mail sent after it, also
 * after a restart; the old name, made again as a new list, starts empty.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ok } from '../fixtures/api.js';
import { startDns } from '../fixtures/dns.js';
import { startRelayDesk, type RelayDesk } from '../fixtures/relay-desk.js';
import { senderUser } from '../fixtures/scenario.js';
import { swaks } from '../fixtures/smtp-clients.js';
import { startUpstream } from '../fixtures/upstream.js';

const A_DAY_AGO = () => new Date(Date.now() - 86_400_000).toISOString();

async function listed(relay: RelayDesk, list: string): Promise<[string, string][]> {
  const page = await ok(relay, 'messages.list', { filter: { list } });
  return page.rows.map((m) => [m.subject, m.list]);
}

test('a renamed list shows its earlier messages and statistics under its new name', async (t) => {
  const dns = await startDns(t);
  const upstream = await startUpstream(t);
  const relay = await startRelayDesk(t, { upstream, dns });
  const { user, password } = await senderUser(relay, dns, 'office.example');
  const send = (subject: string) =>
    swaks(relay.smtpPort, [
      ...['--from', 'clerk@office.example', '--to', 'boss@example.org', '--header', 'From: clerk@office.example', '--header', `Subject: ${subject}`],
      ...['--tls', '--auth', 'PLAIN', '--auth-user', user, '--auth-password', password],
    ]);
  for (const subject of ['Before 1', 'Before 2']) assert.equal((await send(subject)).code, 0);
  await upstream.waitForMessages(2);
  await relay.waitForMessage((m) => m.subject === 'Before 2' && m.status === 'delivered');
  await relay.waitForMessage((m) => m.subject === 'Before 1' && m.status === 'delivered');

  const renamed = await ok(relay, 'lists.rename', { name: 'SMTP+', newName: 'Front desk' });
  assert.equal(renamed.users, 1);
  assert.deepEqual(await listed(relay, 'Front desk'), [
    ['Before 2', 'Front desk'],
    ['Before 1', 'Front desk'],
  ]);
  assert.deepEqual(await listed(relay, 'SMTP+'), [], 'no list is called SMTP+ now');
  const stats = await ok(relay, 'stats.get', { list: 'front DESK', by: { mode: 'user', unit: 'day' }, since: A_DAY_AGO() });
  assert.deepEqual(
    stats.groups.map((g) => [g.label, g.accepted, g.delivered]),
    [[user, 2, 2]],
  );

  assert.equal((await send('After')).code, 0);
  await upstream.waitForMessages(3);
  const after = await relay.waitForMessage((m) => m.subject === 'After' && m.status === 'delivered');
  assert.equal(after.list, 'Front desk');

  await relay.interrupt();
  const again = await startRelayDesk(t, { upstream, dns, dataDir: relay.dataDir, smtpPort: relay.smtpPort });
  assert.deepEqual(await listed(again, 'Front desk'), [
    ['After', 'Front desk'],
    ['Before 2', 'Front desk'],
    ['Before 1', 'Front desk'],
  ]);
  const byDay = await ok(again, 'stats.get', { list: 'Front desk', by: { mode: 'time', unit: 'day' }, since: A_DAY_AGO() });
  assert.equal(byDay.series.reduce((n, day) => n + day.delivered, 0), 3);
  await ok(again, 'lists.create', { name: 'SMTP+' });
  assert.deepEqual(await listed(again, 'SMTP+'), [], 'a new list with the old name does not take the renamed list’s history');
  const empty = await ok(again, 'stats.get', { list: 'SMTP+', since: A_DAY_AGO() });
  assert.deepEqual(empty.groups, []);
});
