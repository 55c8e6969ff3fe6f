/**
 * What each sequence of relay events makes of a message in the history: its
 * status, attempts, per-recipient results and replies, as the Messages
 * screen and messages.get show them; and the rows announced live.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RelayEvent } from '../../relay/events.js';
import { MAX_BACKLOG, MAX_BATCH } from '../host/history/ingest.js';
import { accepted, attempt, IN_A_MINUTE, openHistory } from './history-fixture.js';

const TWO = ['boss@example.org', 'desk@example.org'];

test('250: a delivered message shows its attempt, the remote host and each recipient’s reply', async (t) => {
  const { history, announced } = await openHistory(t);
  history.record(accepted('A1'));
  await history.flushed();
  assert.equal(history.get('A1').status, 'queued');
  history.record({ type: 'sending', id: 'A1' });
  history.record(attempt('A1', [{ recipient: 'boss@example.org', code: 250, response: '250 2.0.0 Ok: queued as 4F2' }]));
  history.record({ type: 'delivered', id: 'A1', recipients: ['boss@example.org'], response: '250 2.0.0 Ok: queued as 4F2' });
  await history.flushed();

  const detail = history.get('A1');
  assert.equal(detail.status, 'delivered');
  assert.equal(detail.attempts, 1);
  assert.equal(detail.lastReply, '250 2.0.0 Ok: queued as 4F2');
  assert.deepEqual(
    detail.recipientList.map((r) => [r.address, r.status, r.reply]),
    [['boss@example.org', 'delivered', '250 2.0.0 Ok: queued as 4F2']],
  );
  assert.equal(detail.attemptList.length, 1);
  assert.equal(detail.attemptList[0]?.remoteHost, 'smtp.example.com:587');
  assert.equal(detail.attemptList[0].durationMs, 42);
  assert.deepEqual(detail.attemptList[0].results, [{ recipient: 'boss@example.org', status: 'delivered', code: 250, response: '250 2.0.0 Ok: queued as 4F2' }]);
  assert.deepEqual(detail.addedHeaders, ['Message-ID: <x@relay.test>']);
  assert.equal(detail.list, 'SMTP+');
  assert.equal(detail.fromName, 'Office Clerk');
  assert.equal(detail.bounce, null);
  // One announcement per batch that changed it: accepted, then the attempt's batch.
  assert.deepEqual(
    announced.map((r) => r.status),
    ['queued', 'delivered'],
  );
});

test('451 then 250: deferred with its next attempt and reply, then delivered on the second attempt', async (t) => {
  const { history } = await openHistory(t);
  const next = IN_A_MINUTE();
  history.record(accepted('B1'));
  history.record({ type: 'sending', id: 'B1' });
  history.record(attempt('B1', [{ recipient: 'boss@example.org', code: 451, response: '451 4.3.0 Upstream busy' }]));
  history.record({ type: 'deferred', id: 'B1', recipients: ['boss@example.org'], error: '451 4.3.0 Upstream busy', attempts: 1, nextAttemptAt: next });
  await history.flushed();
  let detail = history.get('B1');
  assert.equal(detail.status, 'deferred');
  assert.equal(detail.nextAttemptAt, next);
  assert.equal(detail.lastReply, '451 4.3.0 Upstream busy');
  assert.equal(detail.recipientList[0]?.status, 'deferred');

  history.record({ type: 'sending', id: 'B1' });
  await history.flushed();
  assert.equal(history.get('B1').status, 'sending');
  history.record(attempt('B1', [{ recipient: 'boss@example.org', code: 250, response: '250 2.0.0 Ok' }]));
  history.record({ type: 'delivered', id: 'B1', recipients: ['boss@example.org'], response: '250 2.0.0 Ok' });
  await history.flushed();
  detail = history.get('B1');
  assert.equal(detail.status, 'delivered');
  assert.equal(detail.attempts, 2);
  assert.equal(detail.nextAttemptAt, null);
  assert.deepEqual(
    detail.attemptList.map((a) => a.results[0]?.code),
    [451, 250],
  );
});

test('550 for every recipient: bounced, with the bounce sent and each recipient’s reply', async (t) => {
  const { history } = await openHistory(t);
  history.record(accepted('C1', { to: TWO }));
  history.record(
    attempt('C1', [
      { recipient: TWO[0] ?? '', code: 550, response: '550 5.1.1 No such user' },
      { recipient: TWO[1] ?? '', code: 550, response: '550 5.1.1 Mailbox unavailable' },
    ]),
  );
  history.record({ type: 'bounced', id: 'C1', recipients: TWO, reason: '550 5.1.1 No such user', bounceId: 'BNC1' });
  await history.flushed();
  const detail = history.get('C1');
  assert.equal(detail.status, 'bounced');
  assert.deepEqual(
    detail.recipientList.map((r) => [r.status, r.reply]),
    [
      ['bounced', '550 5.1.1 No such user'],
      ['bounced', '550 5.1.1 Mailbox unavailable'],
    ],
  );
  assert.equal(detail.bounce?.id, 'BNC1');
  assert.equal(detail.bounce.reason, '550 5.1.1 No such user');
});

test('250 for one recipient and 550 for the other: partly delivered', async (t) => {
  const { history } = await openHistory(t);
  history.record(accepted('D1', { to: TWO }));
  history.record(
    attempt('D1', [
      { recipient: TWO[0] ?? '', code: 250, response: '250 2.0.0 Ok' },
      { recipient: TWO[1] ?? '', code: 550, response: '550 5.1.1 No such user' },
    ]),
  );
  history.record({ type: 'delivered', id: 'D1', recipients: [TWO[0] ?? ''], response: '250 2.0.0 Ok' });
  history.record({ type: 'bounced', id: 'D1', recipients: [TWO[1] ?? ''], reason: '550 5.1.1 No such user', bounceId: null });
  await history.flushed();
  const detail = history.get('D1');
  assert.equal(detail.status, 'partly-delivered');
  assert.deepEqual(
    detail.recipientList.map((r) => r.status),
    ['delivered', 'bounced'],
  );
  assert.deepEqual(detail.bounce, { id: null, reason: '550 5.1.1 No such user', at: detail.bounce?.at });
});

test('one recipient delivered and one deferred waits as deferred, and is delivered (not partly) once the other goes', async (t) => {
  const { history } = await openHistory(t);
  history.record(accepted('E1', { to: TWO }));
  history.record({ type: 'delivered', id: 'E1', recipients: [TWO[0] ?? ''], response: '250 2.0.0 Ok' });
  history.record({ type: 'deferred', id: 'E1', recipients: [TWO[1] ?? ''], error: '452 4.2.2 Mailbox full', attempts: 1, nextAttemptAt: IN_A_MINUTE() });
  await history.flushed();
  assert.equal(history.get('E1').status, 'deferred');
  history.record({ type: 'delivered', id: 'E1', recipients: [TWO[1] ?? ''], response: '250 2.0.0 Ok' });
  await history.flushed();
  assert.equal(history.get('E1').status, 'delivered');
});

test('deleted by the admin: the message and its waiting recipients show deleted', async (t) => {
  const { history } = await openHistory(t);
  history.record(accepted('F1', { to: TWO }));
  history.record({ type: 'deferred', id: 'F1', recipients: TWO, error: '421 4.3.2 Try later', attempts: 1, nextAttemptAt: IN_A_MINUTE() });
  history.record({ type: 'deleted', id: 'F1', recipients: TWO });
  await history.flushed();
  const detail = history.get('F1');
  assert.equal(detail.status, 'deleted');
  assert.deepEqual(
    detail.recipientList.map((r) => r.status),
    ['deleted', 'deleted'],
  );
  assert.equal(detail.nextAttemptAt, null);
});

test('after a queue snapshot: a message the relay no longer holds is unknown, one the history missed is added', async (t) => {
  const { history } = await openHistory(t);
  history.record(accepted('G1'));
  history.record(accepted('G2'));
  history.record(accepted('G3'));
  history.record({ type: 'delivered', id: 'G3', recipients: ['boss@example.org'], response: '250 Ok' });
  history.record({
    type: 'queue-snapshot',
    messages: [
      { id: 'G2', user: 's1_0', envelope: { from: 'clerk@office.example', to: ['boss@example.org'] }, from: 'clerk@office.example', subject: 'Subject of G2', acceptedAt: new Date().toISOString(), attempts: 0 },
      { id: 'G9', user: 's1_0', envelope: { from: 'clerk@office.example', to: ['x@example.org'] }, from: 'clerk@office.example', subject: 'missed', acceptedAt: '2030-01-01T10:00:00.000Z', attempts: 2 },
    ],
  });
  await history.flushed();
  assert.equal(history.get('G1').status, 'unknown');
  assert.match(history.get('G1').lastReply ?? '', /could not be recorded/);
  assert.equal(history.get('G2').status, 'queued');
  assert.equal(history.get('G3').status, 'delivered', 'a finished message stays as it was');
  const missed = history.get('G9');
  assert.equal(missed.status, 'deferred');
  assert.equal(missed.acceptedAt, '2030-01-01T10:00:00.000Z');
  assert.equal(missed.attempts, 2);
});

test('events about messages the history never saw are passed by, and other relay events are not recorded', async (t) => {
  const { history, announced } = await openHistory(t);
  history.record({ type: 'delivered', id: 'NOPE', recipients: ['a@b.c'], response: '250 Ok' });
  history.record({ type: 'session-opened', session: 'S', remoteAddress: '127.0.0.1', port: 25, tls: false });
  await history.flushed();
  assert.deepEqual(announced, []);
  assert.equal(history.intake.written, 1);
});

test('more messages stamped with one millisecond than it has keys for (an import): every one recorded, in order, none lost with its batch', async (t) => {
  const problems: string[] = [];
  const { history, announced } = await openHistory(t, undefined, { onProblem: (problem) => problems.push(problem) });
  const at = Date.now();
  const count = 1024 + 10;
  for (let n = 0; n < count; n++) history.record(accepted(`SAME${n}`), at);
  history.record(accepted('NEXT'), at + 1);
  await history.flushed();
  assert.deepEqual(problems, []);
  assert.equal(new Set(announced.map((row) => row.id)).size, count + 1);
  const newest = history.list({ page: 0, pageSize: 2, filter: {}, sort: 'acceptedAt-desc' });
  assert.deepEqual([newest.total, newest.rows.map((row) => row.id)], [count + 1, ['NEXT', `SAME${count - 1}`]]);
});

test('a relay faster than the history: batches of at most MAX_BATCH events with turns between them, a backlog bounded at MAX_BACKLOG, the rest counted and said', async (t) => {
  const problems: string[] = [];
  const { history } = await openHistory(t, undefined, { onProblem: (problem) => problems.push(problem) });
  const extra = MAX_BATCH + 7;
  const refusal = (n: number): RelayEvent => ({
    type: 'rejected',
    session: `S${n}`,
    remoteAddress: '192.0.2.9',
    user: null,
    stage: 'auth',
    code: 535,
    reply: '535 5.7.8 Authentication credentials invalid',
    envelope: null,
  });
  // All recorded in one turn of the event loop, as a relay's burst arrives while the host is busy.
  history.record(accepted('FIRST'));
  for (let n = 1; n < MAX_BACKLOG + extra; n++) history.record(refusal(n));
  assert.equal(history.intake.deepest, MAX_BACKLOG);
  assert.equal(history.intake.skipped, extra);
  assert.equal(problems.length, 2, 'said once per MAX_BATCH events not recorded');
  assert.match(history.problem ?? '', new RegExp(`did not record ${MAX_BATCH + 1} relay event`));

  // Other work gets a turn between batches: what each turn sees written.
  const seen: number[] = [];
  let done = false;
  const watch = (): void => {
    seen.push(history.intake.written);
    if (!done) setImmediate(watch);
  };
  setImmediate(watch);
  await history.flushed();
  done = true;
  const steps = seen.map((written, i) => written - (i === 0 ? 0 : (seen[i - 1] ?? 0))).filter((step) => step > 0);
  assert.ok(steps.length >= MAX_BACKLOG / MAX_BATCH - 1, `written in ${steps.length} turns: ${steps.join(', ')}`);
  assert.ok(Math.max(...steps) <= MAX_BATCH);

  assert.equal(history.intake.written, MAX_BACKLOG);
  assert.equal(history.countersView().refusedToday, MAX_BACKLOG - 1);
  assert.equal(history.get('FIRST').status, 'queued');
});
