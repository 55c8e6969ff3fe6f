/**
 * The history's upkeep: counters kept from the events and equal to a fresh
 * count after a restart; retention forgetting old finished messages and
 * refusals but never queued mail; a damaged database set aside and rebuilt
 * from the relay's queue snapshot with the admin told; an earlier version's
 * journal moved in once.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RelayEvent } from '../../relay/events.js';
import { DAY_MS } from '../host/history/retention.js';
import { accepted, IN_A_MINUTE, openHistory } from './history-fixture.js';

const refused = (user: string | null, code = 535): RelayEvent => ({
  type: 'rejected',
  session: 'S9',
  remoteAddress: '192.0.2.7',
  user,
  stage: code === 535 ? 'auth' : 'mail',
  code,
  reply: code === 535 ? '535 5.7.8 Authentication failed' : '553 5.7.1 Sender <x@y.example> is not authorized',
  envelope: code === 535 ? null : { from: 'x@y.example', to: [] },
});

test('counters follow every status change and a refused attempt, and a restart counts the same from the table', async (t) => {
  const { history, dataDir } = await openHistory(t);
  for (const id of ['Q1', 'Q2', 'Q3', 'Q4', 'Q5']) history.record(accepted(id));
  history.record({ type: 'sending', id: 'Q1' });
  history.record({ type: 'delivered', id: 'Q1', recipients: ['boss@example.org'], response: '250 Ok' });
  history.record({ type: 'deferred', id: 'Q2', recipients: ['boss@example.org'], error: '451 busy', attempts: 1, nextAttemptAt: IN_A_MINUTE() });
  history.record({ type: 'bounced', id: 'Q3', recipients: ['boss@example.org'], reason: '550 no', bounceId: null });
  history.record({ type: 'deleted', id: 'Q4', recipients: ['boss@example.org'] });
  history.record({ type: 'sending', id: 'Q5' });
  history.record(refused(null));
  history.record(refused('s1_0', 553));
  await history.flushed();
  const live = history.countersView();
  assert.deepEqual(
    { sent: live.sentToday, queued: live.queued, deferred: live.deferred, bounced: live.bouncedToday, refused: live.refusedToday },
    { sent: 1, queued: 2, deferred: 1, bounced: 1, refused: 2 },
  );
  // Yesterday's outcomes are not today's.
  history.record({ type: 'delivered', id: 'Q2', recipients: ['boss@example.org'], response: '250 Ok' }, Date.now() - DAY_MS);
  await history.flushed();
  const kept = history.countersView();
  assert.deepEqual([kept.sentToday, kept.queued, kept.deferred], [1, 1, 0]);
  history.close();

  const { history: again } = await openHistory(t, dataDir);
  assert.deepEqual(again.countersView(), kept);
});

test('the counters are announced after each batch that moved them', async (t) => {
  const seen: number[] = [];
  const { history } = await openHistory(t, undefined, { onCounters: (c) => seen.push(c.queued) });
  history.record(accepted('N1'));
  history.record(accepted('N2'));
  await history.flushed();
  history.record({ type: 'delivered', id: 'N1', recipients: ['boss@example.org'], response: '250 Ok' });
  await history.flushed();
  assert.deepEqual(seen, [2, 1]);
});

test('retention forgets finished messages and refusals past it, in chunks, and keeps queued and deferred mail whatever its age', async (t) => {
  const { history } = await openHistory(t, undefined, { retentionDays: () => 30 });
  const old = Date.now() - 40 * DAY_MS;
  for (let i = 0; i < 1_200; i++) {
    history.record(accepted(`OLD${i}`), old + i);
    history.record({ type: 'delivered', id: `OLD${i}`, recipients: ['boss@example.org'], response: '250 Ok' }, old + i);
  }
  history.record(accepted('OLDWAIT'), old);
  history.record({ type: 'deferred', id: 'OLDWAIT', recipients: ['boss@example.org'], error: '451 busy', attempts: 9, nextAttemptAt: IN_A_MINUTE() }, old);
  history.record(accepted('NEW'));
  history.record({ type: 'delivered', id: 'NEW', recipients: ['boss@example.org'], response: '250 Ok' });
  history.record(refused(null), old);
  history.record(refused(null));
  await history.flushed();

  assert.equal(await history.retention.prune(), 1_201, '1,200 messages and one refusal');
  const left = history.list({ filter: {}, sort: 'acceptedAt-desc', page: 0, pageSize: 50 });
  assert.deepEqual(
    left.rows.map((m) => m.id),
    ['NEW', 'OLDWAIT'],
  );
  assert.throws(() => history.get('OLD5'), /No message OLD5/);
  assert.equal(history.refusals({ filter: {}, page: 0, pageSize: 50 }).total, 1);
  assert.equal(await history.retention.prune(), 0, 'nothing more to do');
});

test('a damaged database is set aside, the admin is told, and the relay’s queue snapshot lists what is still queued', async (t) => {
  const { history, dataDir } = await openHistory(t);
  history.record(accepted('K1'));
  await history.flushed();
  history.close();
  await writeFile(join(dataDir, 'history.sqlite3'), 'this is not a database, it was overwritten '.repeat(200));

  const { history: rebuilt } = await openHistory(t, dataDir);
  assert.ok(rebuilt.setAside);
  assert.match(rebuilt.problem ?? '', /^The message history could not be read \(file is not a database\); it was kept as .*history\.sqlite3\.corrupt-/);
  const files = await readdir(dataDir);
  assert.ok(files.some((f) => /^history\.sqlite3\.corrupt-\d{4}-\d\d-\d\dT/.test(f)), files.join(', '));
  assert.ok(existsSync(rebuilt.setAside.keptAs), 'the damaged file is kept, not deleted');
  assert.equal(rebuilt.list({ filter: {}, sort: 'acceptedAt-desc', page: 0, pageSize: 50 }).total, 0);

  rebuilt.record({
    type: 'queue-snapshot',
    messages: [{ id: 'K1', user: 's1_0', envelope: { from: 'clerk@office.example', to: ['boss@example.org'] }, from: 'clerk@office.example', subject: 'still queued', acceptedAt: new Date().toISOString(), attempts: 1 }],
  });
  await rebuilt.flushed();
  assert.deepEqual(
    rebuilt.list({ filter: {}, sort: 'acceptedAt-desc', page: 0, pageSize: 50 }).rows.map((m) => [m.id, m.status, m.subject]),
    [['K1', 'deferred', 'still queued']],
  );
  assert.equal(rebuilt.countersView().queued, 1);
});

test('an earlier version’s journal is moved into the history once and kept as journal.jsonl.migrated', async (t) => {
  const { dataDir } = await openHistory(t);
  const at = (minute: number) => `2030-01-01T10:${String(minute).padStart(2, '0')}:00.000Z`;
  const envelope = { from: 'clerk@office.example', to: ['boss@example.org'] };
  const lines = [
    { type: 'record', at: at(0), record: { id: 'J0', user: 's1_0', from: 'clerk@office.example', envelopeFrom: 'clerk@office.example', to: ['a@example.org'], subject: 'rewritten', status: 'bounced', attempts: 3, nextAttemptAt: null, lastError: '550 5.1.1 gone', size: 10, tls: true, campaign: { code: 'SPRING' }, acceptedAt: at(0), updatedAt: at(1) } },
    { type: 'refusal', at: at(2), refusal: { at: at(2), remoteAddress: '192.0.2.1', user: null, stage: 'auth', reply: '535 5.7.8 Authentication failed' } },
    { type: 'accepted', at: at(3), id: 'J1', session: 's', user: 's1_0', via: 'auth', envelope, from: 'clerk@office.example', subject: 'first', size: 100, tls: false, priority: 3, campaign: null },
    { type: 'delivered', at: at(4), id: 'J1', recipients: ['boss@example.org'], response: '250 Ok' },
    { type: 'accepted', at: at(5), id: 'J2', session: 's', user: 's1_0', via: 'auth', envelope, from: 'clerk@office.example', subject: 'second', size: 100, tls: false, priority: 3, campaign: null },
    { type: 'deferred', at: at(6), id: 'J2', recipients: ['boss@example.org'], error: '451 busy', attempts: 1, nextAttemptAt: at(30) },
    { type: 'rejected', at: at(7), session: 's', remoteAddress: '192.0.2.2', user: 's1_0', stage: 'mail', code: 553, reply: '553 5.7.1 not authorized' },
  ];
  await writeFile(join(dataDir, 'journal.jsonl'), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n{"type":"accepted","id":broken\n`);
  // A fresh folder for the same journal: the first start of this version.
  const { history, dataDir: same } = await openHistory(t, dataDir);
  assert.equal(same, dataDir);
  const all = history.list({ filter: {}, sort: 'acceptedAt-desc', page: 0, pageSize: 50 }).rows;
  assert.deepEqual(
    all.map((m) => [m.id, m.status, m.acceptedAt]),
    [
      ['J2', 'deferred', at(5)],
      ['J1', 'delivered', at(3)],
      ['J0', 'bounced', at(0)],
    ],
  );
  assert.equal(history.get('J0').lastReply, '550 5.1.1 gone');
  assert.equal(history.get('J0').campaignCode, 'SPRING');
  assert.equal(history.get('J2').nextAttemptAt, at(30));
  assert.deepEqual(
    history.refusals({ filter: {}, page: 0, pageSize: 50 }).rows.map((r) => [r.code, r.stage, r.remoteAddress]),
    [
      [553, 'mail', '192.0.2.2'],
      [535, 'auth', '192.0.2.1'],
    ],
  );
  const files = await readdir(dataDir);
  assert.ok(files.includes('journal.jsonl.migrated') && !files.includes('journal.jsonl'), files.join(', '));
  history.close();
  const { history: again } = await openHistory(t, dataDir);
  assert.equal(again.list({ filter: {}, sort: 'acceptedAt-desc', page: 0, pageSize: 50 }).total, 3, 'not moved in twice');
});
