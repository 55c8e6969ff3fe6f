/**
 * Statistics from a generated history of known messages: exact counts in
 * each of the seven modes (time in its four periods), CampaignCode groups
 * first in every mode, dynamic subjects grouping "Ticket 123 solved" with
 * "Ticket 456 solved", refused attempts where a group can be told, the
 * per-day series, and a group opening as a Messages filter.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { RelayEvent } from '../../relay/events.js';
import { MessageFilterSchema } from '../api/schemas/messages.js';
import { MAX_STATS_GROUPS, type Aggregation, type StatsGroup } from '../api/schemas/stats.js';
import { dynamicSubject } from '../host/history/dynamic-subject.js';
import type { History } from '../host/history/history.js';
import { accepted, IN_A_MINUTE, openHistory } from './history-fixture.js';

const D1 = new Date(2030, 0, 7, 10).getTime(); // a Monday
const D2 = new Date(2030, 0, 9, 10).getTime(); // the Wednesday after
const D3 = new Date(2030, 1, 5, 10).getTime(); // a Tuesday the month after
const SINCE = new Date(2030, 0, 1).getTime();
const UNTIL = new Date(2030, 2, 1).getTime();

type Outcome = 'delivered' | 'bounced' | 'deferred' | 'partly';
const ALICE = { address: 'alice@a.example', name: 'Alice' };
const BOB = { address: 'bob@b.example', name: 'Bob' };

const MESSAGES: { id: string; at: number; subject: string; from: { address: string; name: string }; user: string; to: number; outcome: Outcome; code?: string; list?: string }[] = [
  { id: 'S1', at: D1, subject: 'Ticket 123 solved', from: ALICE, user: 'u1', to: 1, outcome: 'delivered' },
  { id: 'S2', at: D1 + 60_000, subject: 'Ticket 456 solved', from: ALICE, user: 'u1', to: 2, outcome: 'bounced' },
  { id: 'S3', at: D2, subject: 'Ticket 789 solved', from: BOB, user: 'u2', to: 1, outcome: 'deferred' },
  { id: 'S4', at: D2 + 60_000, subject: 'Invoice 2026-11-03 for ACME-42', from: BOB, user: 'u2', to: 3, outcome: 'delivered' },
  { id: 'S5', at: D3, subject: 'Invoice 2026-12-01 for ACME-77', from: { address: 'Alice@A.example', name: 'Alice A.' }, user: 'u1', to: 2, outcome: 'partly' },
  { id: 'S6', at: D1 + 120_000, subject: 'Weekly report', from: ALICE, user: 'u1', to: 1, outcome: 'delivered', code: 'SPRING24' },
  { id: 'S7', at: D3 + 60_000, subject: 'Weekly report', from: BOB, user: 'u2', to: 1, outcome: 'delivered', code: 'SPRING24' },
  { id: 'X1', at: D1, subject: 'Ticket 1 solved', from: ALICE, user: 'u9', to: 1, outcome: 'delivered', list: 'Other' },
  { id: 'X2', at: new Date(2029, 11, 31, 10).getTime(), subject: 'Ticket 2 solved', from: ALICE, user: 'u1', to: 1, outcome: 'delivered' },
];

function eventsOf(m: (typeof MESSAGES)[number]): RelayEvent[] {
  const to = Array.from({ length: m.to }, (_, k) => `r${k}@dest.example`);
  const events: RelayEvent[] = [
    accepted(m.id, { to, subject: m.subject, from: m.from.address, fromName: m.from.name, user: m.user, list: m.list ?? 'Sales', campaign: m.code ? { code: m.code } : null }),
  ];
  switch (m.outcome) {
    case 'delivered':
      events.push({ type: 'delivered', id: m.id, recipients: to, response: '250 Ok' });
      break;
    case 'bounced':
      events.push({ type: 'bounced', id: m.id, recipients: to, reason: '550 no', bounceId: null });
      break;
    case 'deferred':
      events.push({ type: 'deferred', id: m.id, recipients: to, error: '451 busy', attempts: 1, nextAttemptAt: IN_A_MINUTE() });
      break;
    case 'partly':
      events.push({ type: 'delivered', id: m.id, recipients: to.slice(0, 1), response: '250 Ok' });
      events.push({ type: 'bounced', id: m.id, recipients: to.slice(1), reason: '550 no', bounceId: null });
      break;
  }
  return events;
}

function refusal(user: string, at: number): [RelayEvent, number] {
  return [{ type: 'rejected', session: 'S', remoteAddress: '192.0.2.9', user, stage: 'mail', code: 553, reply: '553 5.7.1 not authorized', envelope: null }, at];
}

async function known(t: TestContext): Promise<History> {
  const { history } = await openHistory(t);
  for (const m of MESSAGES) for (const event of eventsOf(m)) history.record(event, m.at);
  for (const [event, at] of [refusal('u1', D1), refusal('u1', D1 + 1), refusal('u2', D2), refusal('u9', D1), refusal('u1', SINCE - 1)]) history.record(event, at);
  await history.flushed();
  return history;
}

/** A group's key, label and counts as one line: [key, label, accepted, recipients, delivered, deferred, bounced, refused]. */
type Line = [string, string, number, number, number, number, number, number];
const line = (g: StatsGroup): Line => [g.key, g.label, g.accepted, g.recipients, g.delivered, g.deferred, g.bounced, g.refused];
const CAMPAIGN: Line = ['c:SPRING24', 'Campaign SPRING24', 2, 2, 2, 0, 0, 0];

const EXPECTED: [Aggregation, Line[]][] = [
  [
    { mode: 'time', unit: 'day' },
    [CAMPAIGN, ['g:2030-01-07', '2030-01-07', 2, 3, 1, 0, 1, 2], ['g:2030-01-09', '2030-01-09', 2, 4, 1, 1, 0, 1], ['g:2030-02-05', '2030-02-05', 1, 2, 1, 0, 0, 0]],
  ],
  [
    { mode: 'time', unit: 'week' },
    [CAMPAIGN, ['g:2030-01-07', 'Week of 2030-01-07', 4, 7, 2, 1, 1, 3], ['g:2030-02-04', 'Week of 2030-02-04', 1, 2, 1, 0, 0, 0]],
  ],
  [
    { mode: 'time', unit: 'month' },
    [CAMPAIGN, ['g:2030-01', '2030-01', 4, 7, 2, 1, 1, 3], ['g:2030-02', '2030-02', 1, 2, 1, 0, 0, 0]],
  ],
  [{ mode: 'time', unit: 'year' }, [CAMPAIGN, ['g:2030', '2030', 5, 9, 3, 1, 1, 3]]],
  [
    { mode: 'subject', unit: 'day' },
    [
      CAMPAIGN,
      ['g:Invoice 2026-11-03 for ACME-42', 'Invoice 2026-11-03 for ACME-42', 1, 3, 1, 0, 0, 0],
      ['g:Invoice 2026-12-01 for ACME-77', 'Invoice 2026-12-01 for ACME-77', 1, 2, 1, 0, 0, 0],
      ['g:Ticket 123 solved', 'Ticket 123 solved', 1, 1, 1, 0, 0, 0],
      ['g:Ticket 456 solved', 'Ticket 456 solved', 1, 2, 0, 0, 1, 0],
      ['g:Ticket 789 solved', 'Ticket 789 solved', 1, 1, 0, 1, 0, 0],
    ],
  ],
  [
    { mode: 'dynamic-subject', unit: 'day' },
    [CAMPAIGN, ['g:Ticket # solved', 'Ticket # solved', 3, 4, 1, 1, 1, 0], ['g:Invoice # for #', 'Invoice # for #', 2, 5, 2, 0, 0, 0]],
  ],
  [
    { mode: 'sender', unit: 'day' },
    [CAMPAIGN, ['g:alice@a.example', 'alice@a.example', 3, 5, 2, 0, 1, 0], ['g:bob@b.example', 'bob@b.example', 2, 4, 1, 1, 0, 0]],
  ],
  [
    { mode: 'sender-name', unit: 'day' },
    [CAMPAIGN, ['g:Alice', 'Alice', 2, 3, 1, 0, 1, 0], ['g:Bob', 'Bob', 2, 4, 1, 1, 0, 0], ['g:Alice A.', 'Alice A.', 1, 2, 1, 0, 0, 0]],
  ],
  [
    { mode: 'sender-subject', unit: 'day' },
    [
      CAMPAIGN,
      ['g:alice@a.example\nInvoice 2026-12-01 for ACME-77', 'alice@a.example — Invoice 2026-12-01 for ACME-77', 1, 2, 1, 0, 0, 0],
      ['g:alice@a.example\nTicket 123 solved', 'alice@a.example — Ticket 123 solved', 1, 1, 1, 0, 0, 0],
      ['g:alice@a.example\nTicket 456 solved', 'alice@a.example — Ticket 456 solved', 1, 2, 0, 0, 1, 0],
      ['g:bob@b.example\nInvoice 2026-11-03 for ACME-42', 'bob@b.example — Invoice 2026-11-03 for ACME-42', 1, 3, 1, 0, 0, 0],
      ['g:bob@b.example\nTicket 789 solved', 'bob@b.example — Ticket 789 solved', 1, 1, 0, 1, 0, 0],
    ],
  ],
  [
    { mode: 'user', unit: 'day' },
    [CAMPAIGN, ['g:u1', 'u1', 3, 5, 2, 0, 1, 2], ['g:u2', 'u2', 2, 4, 1, 1, 0, 1]],
  ],
];

test('each mode groups the known messages with exact counts, campaigns first', async (t) => {
  const history = await known(t);
  for (const [aggregation, want] of EXPECTED) {
    const got = history.stats({ list: 'sales', aggregation, since: SINCE, until: UNTIL, users: ['u1', 'u2'] });
    assert.deepEqual(got.groups.map(line), want, JSON.stringify(aggregation));
    assert.deepEqual(got.aggregation, aggregation);
    assert.equal(got.more, 0);
  }
});

test('a group knows its first and last message, and opens as a Messages filter with exactly its messages', async (t) => {
  const history = await known(t);
  const { groups } = history.stats({ list: 'Sales', aggregation: { mode: 'dynamic-subject', unit: 'day' }, since: SINCE, until: UNTIL, users: [] });
  const tickets = groups.find((g) => g.label === 'Ticket # solved');
  assert.equal(tickets?.firstAt, new Date(D1).toISOString());
  assert.equal(tickets.lastAt, new Date(D2).toISOString());
  assert.equal(tickets.refused, 0, 'refusals belong to no subject');
  const opened = history.list({ filter: { group: { list: 'Sales', by: 'dynamic-subject', key: tickets.key } }, sort: 'acceptedAt-desc', page: 0, pageSize: 50 });
  assert.deepEqual(
    opened.rows.map((m) => m.id),
    ['S3', 'S2', 'S1', 'X2'],
    'the group filter takes no period: the list’s messages of that group at any time',
  );
  const campaign = history.list({ filter: { group: { list: 'Sales', by: 'user', key: 'c:SPRING24' } }, sort: 'acceptedAt-desc', page: 0, pageSize: 50 });
  assert.deepEqual(
    campaign.rows.map((m) => m.id),
    ['S7', 'S6'],
  );
  assert.equal(MessageFilterSchema.safeParse({ group: { list: 'Sales', by: 'colour', key: 'g:x' } }).success, false, 'a kind of group that does not exist is refused');
});

test('the series counts the list’s messages per day, campaigns included, for the chart', async (t) => {
  const history = await known(t);
  const { series } = history.stats({ list: 'Sales', aggregation: { mode: 'subject', unit: 'day' }, since: SINCE, until: UNTIL, users: ['u1', 'u2'] });
  assert.deepEqual(series, [
    { day: '2030-01-07', accepted: 3, recipients: 4, delivered: 2, deferred: 0, bounced: 1, refused: 2 },
    { day: '2030-01-09', accepted: 2, recipients: 4, delivered: 1, deferred: 1, bounced: 0, refused: 1 },
    { day: '2030-02-05', accepted: 2, recipients: 3, delivered: 2, deferred: 0, bounced: 0, refused: 0 },
  ]);
});

test('a mode with more groups than are shown: the largest first, counted from the rollup and the messages alike, and how many more there are', async (t) => {
  const { history } = await openHistory(t);
  const dayOne = new Date(2030, 0, 7, 10).getTime();
  const dayTwo = new Date(2030, 0, 8, 10).getTime();
  let n = 0;
  const send = (subject: string, at: number) => {
    const id = `M${n++}`;
    for (const event of eventsOf({ id, at, subject, from: ALICE, user: 'u1', to: 1, outcome: 'delivered' })) history.record(event, at);
  };
  // Day one comes whole from the rollup; the period ends inside day two, after a message sent later that day, so day two is counted from the messages.
  for (let i = 0; i < MAX_STATS_GROUPS + 100; i++) send(`Unique ${String(i).padStart(4, '0')}`, dayOne + i * 1000);
  for (let i = 0; i < 3; i++) send('Common', dayOne);
  for (let i = 0; i < 2; i++) send('Common', dayTwo);
  for (let i = 0; i < 4; i++) send('Second', dayTwo);
  send('Common', dayTwo + 3 * 3_600_000);
  await history.flushed();
  const got = history.stats({ list: 'sales', aggregation: { mode: 'subject', unit: 'day' }, since: new Date(2030, 0, 7).getTime(), until: dayTwo + 3_600_000, users: [] });
  assert.deepEqual(
    got.groups.slice(0, 4).map(line),
    [
      ['g:Common', 'Common', 5, 5, 5, 0, 0, 0],
      ['g:Second', 'Second', 4, 4, 4, 0, 0, 0],
      ['g:Unique 0000', 'Unique 0000', 1, 1, 1, 0, 0, 0],
      ['g:Unique 0001', 'Unique 0001', 1, 1, 1, 0, 0, 0],
    ],
  );
  assert.equal(got.groups.length, MAX_STATS_GROUPS);
  assert.equal(got.more, 2 + MAX_STATS_GROUPS + 100 - MAX_STATS_GROUPS);
});

test('dynamic subjects ignore numbers, ids, dates, times, hex and addresses', () => {
  assert.equal(dynamicSubject('Ticket 123 solved'), dynamicSubject('Ticket 456 solved'));
  for (const [subject, want] of [
    ['Ticket 123 solved', 'Ticket # solved'],
    ['Order A1B2C3 shipped on 2026-12-04 at 09:30', 'Order # shipped on # at #'],
    ['Build deadbeefcafe failed', 'Build # failed'],
    ['Password reset for anna@company.example', 'Password reset for #'],
    ['Scan 12/04/2026 - page 3 of 7', 'Scan # - page # of #'],
    ['Weekly report', 'Weekly report'],
  ] as const) {
    assert.equal(dynamicSubject(subject), want, subject);
  }
});
