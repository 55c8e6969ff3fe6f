/**
 * messages.list's filters, sorts and paging over a generated history, each
 * checked against the same question asked of a plain array of what was
 * generated; and the refusals for an unknown message or an unknown filter.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { MessageFilter, MessageStatus } from '../api/schemas/messages.js';
import { COUNTED_TEXT_MATCHES } from '../host/history/filter.js';
import type { History } from '../host/history/history.js';
import { accepted, IN_A_MINUTE, openHistory } from './history-fixture.js';

const COUNT = 300;
const START = Date.parse('2030-03-01T00:00:00.000Z');
const MINUTE = 60_000;
const STATUSES: MessageStatus[] = ['queued', 'delivered', 'deferred', 'bounced', 'deleted', 'delivered'];

interface Made {
  id: string;
  at: number;
  user: string;
  list: string;
  envelopeFrom: string;
  from: string;
  subject: string;
  to: string[];
  status: MessageStatus;
}

function made(i: number): Made {
  const envelopeFrom = i % 4 === 0 ? 'news@one.example' : 'clerk@two.example';
  return {
    id: `M${i}`,
    at: START + i * MINUTE,
    user: `u${i % 3}`,
    list: i % 2 === 1 ? 'Sales' : 'SMTP+',
    envelopeFrom,
    from: i % 5 === 0 ? (i % 3 === 0 ? 'Boss@Three.EXAMPLE' : 'boss@three.example') : envelopeFrom,
    subject: `Invoice ${i} for ${['acme', 'globex', 'initech'][i % 3] ?? ''}`,
    to: [`r${i % 7}@dest.example`],
    status: STATUSES[i % STATUSES.length] ?? 'queued',
  };
}

function outcome(m: Made): Parameters<History['record']>[0] | null {
  const recipients = m.to;
  switch (m.status) {
    case 'delivered':
      return { type: 'delivered', id: m.id, recipients, response: '250 Ok' };
    case 'deferred':
      return { type: 'deferred', id: m.id, recipients, error: '451 busy', attempts: 1, nextAttemptAt: IN_A_MINUTE() };
    case 'bounced':
      return { type: 'bounced', id: m.id, recipients, reason: '550 no', bounceId: null };
    case 'deleted':
      return { type: 'deleted', id: m.id, recipients };
    default:
      return null;
  }
}

async function generated(t: TestContext): Promise<{ history: History; all: Made[] }> {
  const { history } = await openHistory(t);
  const all = Array.from({ length: COUNT }, (_, i) => made(i));
  for (const m of all) {
    history.record(accepted(m.id, { user: m.user, list: m.list, envelope: { from: m.envelopeFrom, to: m.to }, from: m.from, subject: m.subject }), m.at);
    const event = outcome(m);
    if (event) history.record(event, m.at);
  }
  await history.flushed();
  return { history, all };
}

/** Free text that is a whole address means that recipient, exactly (any case). */
const WHOLE_ADDRESS = /^[^\s@]+@[^\s@]+\.[a-z]+$/i;

/** The filter asked of the array: what the history must answer, newest first. */
function expected(all: Made[], filter: MessageFilter): string[] {
  const has = (text: string, part: string) => text.toLowerCase().includes(part.toLowerCase());
  return all
    .filter((m) => {
      if (filter.status && !filter.status.includes(m.status)) return false;
      if (filter.list !== undefined && m.list.toLowerCase() !== filter.list.toLowerCase()) return false;
      if (filter.user !== undefined && m.user !== filter.user) return false;
      if (filter.sender !== undefined) {
        const s = filter.sender.toLowerCase();
        const matches = (address: string) => (s.startsWith('@') ? address.toLowerCase().endsWith(s) : address.toLowerCase() === s);
        if (!matches(m.envelopeFrom) && !matches(m.from)) return false;
      }
      if (filter.since !== undefined && m.at < Date.parse(filter.since)) return false;
      if (filter.until !== undefined && m.at >= Date.parse(filter.until)) return false;
      const search = filter.search ?? '';
      if (WHOLE_ADDRESS.test(search)) {
        if (!m.to.some((r) => r.toLowerCase() === search.toLowerCase())) return false;
      } else if (search !== '' && !has(m.subject, search) && !has(m.id, search) && !m.to.some((r) => has(r, search))) return false;
      return true;
    })
    .sort((a, b) => b.at - a.at)
    .map((m) => m.id);
}

const FILTERS: MessageFilter[] = [
  {},
  { status: ['bounced', 'deferred'] },
  { list: 'sales' },
  { user: 'u1' },
  { sender: 'clerk@two.example' },
  { sender: 'NEWS@ONE.EXAMPLE' },
  { sender: '@three.example' },
  { search: 'globex' },
  { search: 'R3@DEST' },
  { search: 'R3@Dest.Example' },
  { search: 'r3@dest.example', status: ['delivered'] },
  { sender: '@three.example', search: 'globex' },
  { sender: 'boss@three.example', search: 'r2@dest.example' },
  { sender: 'clerk@two.example', status: ['deferred', 'bounced'], since: new Date(START + 50 * MINUTE).toISOString() },
  { search: 'M299' },
  { search: 'voice 1' },
  { search: 'no such text' },
  { since: new Date(START + 100 * MINUTE).toISOString(), until: new Date(START + 150 * MINUTE).toISOString() },
  { status: ['delivered'], user: 'u1', search: 'acme', list: 'SMTP+' },
];

test('each filter finds exactly the messages it names, newest first, with the exact total', async (t) => {
  const { history, all } = await generated(t);
  for (const filter of FILTERS) {
    const want = expected(all, filter);
    const got = history.list({ filter, sort: 'acceptedAt-desc', page: 0, pageSize: 500 });
    assert.deepEqual(
      got.rows.map((m) => m.id),
      want,
      JSON.stringify(filter),
    );
    assert.equal(got.total, want.length, JSON.stringify(filter));
    assert.equal(got.totalIsLowerBound, false);
  }
  assert.ok(FILTERS.every((f) => Object.keys(f).length === 0 || expected(all, f).length < COUNT), 'every filter leaves something out');
});

test('pages are disjoint and together are the whole answer; oldest first and by status too', async (t) => {
  const { history, all } = await generated(t);
  const filter: MessageFilter = { status: ['delivered', 'queued'] };
  const paged: string[] = [];
  for (let page = 0; ; page++) {
    const got = history.list({ filter, sort: 'acceptedAt-desc', page, pageSize: 7 });
    paged.push(...got.rows.map((m) => m.id));
    if (got.rows.length < 7) break;
  }
  assert.deepEqual(paged, expected(all, filter));

  const oldest = history.list({ filter: {}, sort: 'acceptedAt-asc', page: 0, pageSize: 3 });
  assert.deepEqual(
    oldest.rows.map((m) => m.id),
    ['M0', 'M1', 'M2'],
  );
  const byStatus = history.list({ filter: {}, sort: 'status-asc', page: 0, pageSize: 500 }).rows;
  const statuses = byStatus.map((m) => m.status);
  assert.deepEqual(statuses, [...statuses].sort());
  const firstBounced = byStatus.filter((m) => m.status === 'bounced').map((m) => m.id);
  assert.deepEqual(firstBounced, expected(all, { status: ['bounced'] }), 'newest first within a status');
});

test('a row says what the grid shows: sender, From, list, recipients, TLS, priority and times', async (t) => {
  const { history } = await generated(t);
  const [row] = history.list({ filter: { search: 'M10' }, sort: 'acceptedAt-asc', page: 0, pageSize: 1 }).rows;
  assert.deepEqual(row, {
    id: 'M10',
    acceptedAt: new Date(START + 10 * MINUTE).toISOString(),
    list: 'SMTP+',
    user: 'u1',
    envelopeFrom: 'clerk@two.example',
    from: 'boss@three.example',
    fromName: 'Office Clerk',
    subject: 'Invoice 10 for globex',
    recipients: 1,
    size: 1234,
    tls: true,
    priority: 3,
    campaignCode: null,
    campaignName: null,
    status: 'deleted',
    attempts: 0,
    nextAttemptAt: null,
    lastReply: null,
    updatedAt: new Date(START + 10 * MINUTE).toISOString(),
  });
});

test('an unknown message, and free text too short for the index, are refused with a code and the field', async (t) => {
  const { history } = await openHistory(t);
  assert.throws(() => history.get('NOSUCH'), { code: 'not_found', field: 'id' });
  for (const search of ['r3', '  ab  ', '😀😀']) {
    assert.throws(() => history.list({ filter: { search }, sort: 'acceptedAt-desc', page: 0, pageSize: 5 }), { code: 'invalid_input', field: 'filter.search' });
  }
});

test('totals are exact up to 10,000 and a lower bound past it; a short page counts itself', async (t) => {
  const { history } = await openHistory(t);
  for (let i = 0; i < 10_002; i++) history.record(accepted(`T${i}`, { subject: i % 2 === 0 ? 'even one' : 'odd one' }), START + i);
  await history.flushed();
  const page = (filter: MessageFilter, n = 0) => history.list({ filter, sort: 'acceptedAt-desc', page: n, pageSize: 50 });
  assert.deepEqual([page({}).total, page({}).totalIsLowerBound], [10_000, true]);
  assert.deepEqual([page({ search: 'even' }).total, page({ search: 'even' }).totalIsLowerBound], [5_001, false]);
  assert.deepEqual([page({ search: 'odd' }, 100).total, page({ search: 'odd' }, 100).rows.length], [5_001, 1]);
  assert.deepEqual([page({ search: 'odd' }, 101).total, page({ search: 'odd' }, 101).rows.length], [5_001, 0], 'past the end it is counted');
});

test('free text with a clause on the row is counted among its newest 10,000 full-text matches: past them the total is a lower bound', async (t) => {
  const { history } = await openHistory(t);
  // 10,200 weekly reports, one in a hundred sent by s1_9; the oldest hundred are monthly reports, half by s1_9.
  for (let i = 0; i < 100; i++) history.record(accepted(`M${i}`, { subject: 'Monthly report', user: i % 2 === 0 ? 's1_9' : 's1_0' }), START + i);
  for (let i = 0; i < COUNTED_TEXT_MATCHES + 200; i++) {
    history.record(accepted(`W${i}`, { subject: 'Weekly report', user: i % 100 === 0 ? 's1_9' : 's1_0' }), START + 1_000 + i);
  }
  await history.flushed();
  const page = (filter: MessageFilter, n = 0) => history.list({ filter, sort: 'acceptedAt-desc', page: n, pageSize: 50 });
  const weekly = page({ search: 'weekly report', user: 's1_9' });
  assert.deepEqual([weekly.total, weekly.totalIsLowerBound], [100, true], 'the newest 10,000 weekly reports hold 100 of the 102');
  const last = page({ search: 'weekly report', user: 's1_9' }, 2);
  assert.deepEqual(
    last.rows.map((m) => m.id),
    ['W100', 'W0'],
    'paging still reaches every match',
  );
  assert.deepEqual([last.total, last.totalIsLowerBound], [102, false], 'a short last page counts itself');
  const monthly = page({ search: 'monthly report', user: 's1_9' });
  assert.deepEqual([monthly.rows.length, monthly.total, monthly.totalIsLowerBound], [50, 50, false]);
  const report = page({ search: 'report', user: 's1_9' });
  assert.deepEqual([report.total, report.totalIsLowerBound], [100, true]);
  const all = page({ search: 'weekly report', user: 's1_0' });
  assert.deepEqual([all.total, all.totalIsLowerBound], [9_901, true], '9,901 of the 10,001 newest looked at, and more past them');
});
