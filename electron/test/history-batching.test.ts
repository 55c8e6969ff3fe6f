/**
 * A batch holds its new messages in memory and inserts each once, in the
 * state its later events in the batch left it (host/history/held-messages.ts).
 * Whatever the batches, the history must be the same: the same relay events
 * recorded one batch per event and all in one batch give the same rows in
 * every table, the same full-text index and the same counters.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import type { RelayEvent } from '../../relay/events.js';
import { GATHER_MS } from '../host/history/ingest.js';
import { accepted, attempt, openHistory } from './history-fixture.js';
import { seededRandom } from './seeded-random.js';

const ADDRESSES = ['boss@example.org', 'desk@example.org', 'Sales@Example.net', 'ops@example.com'];
const REPLIES: Record<number, string> = { 250: '250 2.0.0 Ok', 451: '451 4.3.0 Upstream busy', 550: '550 5.1.1 No such user' };

/** A relay's events for `messages` messages, interleaved, with the odd duplicate, unknown id and queue snapshot, each stamped. */
function relayEvents(messages: number, seed: number): { event: RelayEvent; at: number }[] {
  const r = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const start = Date.now() - 3_600_000;
  // Each message's events in order; the streams are then merged at random, as concurrent deliveries are.
  const streams: RelayEvent[][] = [];
  for (let i = 0; i < messages; i++) {
    const id = `M${i}`;
    const to = Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(ADDRESSES));
    const stream: RelayEvent[] = [accepted(id, { to, subject: `Invoice ${i % 7}`, campaign: r() < 0.1 ? { code: `C${i % 3}`, name: 'Spring' } : null })];
    // Some go no further (the relay stopped): the snapshot then says which it still holds.
    if (r() < 0.1) {
      streams.push(stream);
      continue;
    }
    let waiting = [...new Set(to)];
    for (let round = 0; round < 3 && waiting.length > 0; round++) {
      stream.push({ type: 'sending', id });
      if (r() < 0.08) {
        stream.push({ type: 'deleted', id, recipients: waiting.slice(0, 1) });
        break;
      }
      const results = waiting.map((recipient) => {
        const code = pick([250, 250, 250, 451, 550]);
        return { recipient, code, response: REPLIES[code] ?? '' };
      });
      stream.push(attempt(id, results));
      const by = (code: number) => results.filter((x) => x.code === code).map((x) => x.recipient);
      if (by(250).length) stream.push({ type: 'delivered', id, recipients: by(250), response: REPLIES[250] ?? '' });
      if (by(550).length) stream.push({ type: 'bounced', id, recipients: by(550), reason: REPLIES[550] ?? '', bounceId: r() < 0.5 ? `B${i}` : null });
      waiting = by(451);
      if (waiting.length) stream.push({ type: 'deferred', id, recipients: waiting, error: REPLIES[451] ?? '', attempts: round + 1, nextAttemptAt: new Date(start + 600_000).toISOString() });
    }
    if (r() < 0.05) stream.splice(1, 0, accepted(id, { subject: 'a second accepted for the same id' }));
    streams.push(stream);
  }
  streams.push([{ type: 'delivered', id: 'never-seen', recipients: ['x@example.org'], response: REPLIES[250] ?? '' }]);
  const events: { event: RelayEvent; at: number }[] = [];
  let at = start;
  while (streams.some((s) => s.length > 0)) {
    const open = streams.filter((s) => s.length > 0);
    const event = pick(open).shift() as RelayEvent;
    // Several events share a millisecond, as a busy relay's do.
    if (r() < 0.3) at += 1;
    events.push({ event, at });
    if (events.length === 400) {
      const held = new Set<string>();
      for (const { event: e } of events) if (e.type === 'accepted' && r() < 0.7) held.add(e.id);
      const snapshot: RelayEvent = {
        type: 'queue-snapshot',
        messages: [...held, 'only-in-the-queue'].map((id) => ({ id, user: 's1_0', envelope: { from: 'clerk@office.example', to: ['boss@example.org'] }, from: 'clerk@office.example', subject: `Queued ${id}`, acceptedAt: new Date(at).toISOString(), attempts: 1 })),
      };
      events.push({ event: snapshot, at });
    }
  }
  return events;
}

const TABLES = {
  messages: 'SELECT * FROM messages ORDER BY seq',
  recipients: 'SELECT * FROM recipients ORDER BY seq, address',
  attempts: 'SELECT seq, started_at, duration_ms, remote_host, results FROM attempts ORDER BY seq, rowid',
  senders: 'SELECT * FROM senders ORDER BY key, seq',
  stats: 'SELECT * FROM stats_slots ORDER BY list, kind, key, slot, day',
  text: "SELECT rowid FROM messages_text WHERE messages_text MATCH '\"Invoice 3\" OR \"sales@exa\" OR \"M1\"' ORDER BY rowid",
};

/** Records the events into a new history, `perBatch` at a time, and reads back every table and the counters. */
async function recorded(t: TestContext, events: { event: RelayEvent; at: number }[], perBatch: number): Promise<Record<string, unknown>> {
  const { history, dataDir } = await openHistory(t);
  // Each batch is written when its gathering time is up, here at once.
  t.mock.timers.enable({ apis: ['setTimeout'] });
  for (let i = 0; i < events.length; i += perBatch) {
    for (const { event, at } of events.slice(i, i + perBatch)) history.record(event, at);
    t.mock.timers.tick(GATHER_MS);
    await history.flushed();
  }
  t.mock.timers.reset();
  const counters = history.countersView(events.at(-1)?.at);
  history.close();
  const db = new Database(join(dataDir, 'history.sqlite3'), { readonly: true });
  try {
    const rows = Object.fromEntries(Object.entries(TABLES).map(([name, sql]) => [name, db.prepare(sql).all()]));
    return { ...rows, counters };
  } finally {
    db.close();
  }
}

test('the same relay events make the same history whether each is its own batch or all share one', async (t) => {
  const events = relayEvents(150, 7);
  const oneEach = await recorded(t, events, 1);
  const inOne = await recorded(t, events, events.length);
  const inTens = await recorded(t, events, 10);
  // The stream covers what it claims to: every outcome, and messages accepted then finished within one batch.
  const statuses = new Set((oneEach['messages'] as { status: string }[]).map((m) => m.status));
  for (const status of ['delivered', 'partly-delivered', 'bounced', 'deferred', 'deleted', 'unknown']) assert.ok(statuses.has(status), `no ${status} message in the stream`);
  assert.ok((oneEach['text'] as unknown[]).length > 10);
  for (const name of [...Object.keys(TABLES), 'counters']) {
    assert.deepEqual(inOne[name], oneEach[name], `${name}: one batch differs from one batch per event`);
    assert.deepEqual(inTens[name], oneEach[name], `${name}: batches of ten differ from one batch per event`);
  }
});
