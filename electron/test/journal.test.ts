/**
 * The message journal against real files: bounded however much mail passes
 * (finished messages forgotten after the retention time or past the cap, the
 * file rewritten when it grows), and whole after a crash at any point.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RelayEvent } from '../../relay/events.js';
import { DEFAULT_JOURNAL_LIMITS, Journal, JOURNAL_FILE, type JournalLimits } from '../host/journal.js';

async function dataDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'relay-desk-journal-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function accepted(id: string, subject = `message ${id}`): RelayEvent {
  return {
    type: 'accepted',
    id,
    session: 's',
    user: 's1_0',
    via: 'auth',
    list: 'SMTP+',
    envelope: { from: 'clerk@office.example', to: ['boss@example.org'] },
    from: 'clerk@office.example',
    fromName: '',
    subject,
    size: 100,
    tls: false,
    priority: 3,
    campaign: null,
    addedHeaders: [],
  };
}

const delivered = (id: string): RelayEvent => ({ type: 'delivered', id, recipients: ['boss@example.org'], response: '250 ok' });
const deferred = (id: string): RelayEvent => ({ type: 'deferred', id, recipients: ['boss@example.org'], error: '451 busy', attempts: 1, nextAttemptAt: new Date().toISOString() });
const open = (dir: string, limits: Partial<JournalLimits> = {}) => Journal.open(dir, () => undefined, { ...DEFAULT_JOURNAL_LIMITS, ...limits });
const subjects = (journal: Journal) => journal.list({ limit: 1000 }).map((m) => m.subject);
const lineCount = async (dir: string) => (await readFile(join(dir, JOURNAL_FILE), 'utf8')).split('\n').filter(Boolean).length;

test('finished messages older than the retention time are forgotten at start; waiting ones never are', async (t) => {
  const dir = await dataDir(t);
  const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
  const recent = new Date(Date.now() - 86_400_000).toISOString();
  const line = (event: RelayEvent, at: string) => JSON.stringify({ ...event, at });
  await writeFile(
    join(dir, JOURNAL_FILE),
    [
      line(accepted('OLDDONE', 'old and delivered'), old),
      line(delivered('OLDDONE'), old),
      line(accepted('OLDWAIT', 'old and still waiting'), old),
      line(deferred('OLDWAIT'), old),
      line(accepted('NEWDONE', 'yesterday, delivered'), recent),
      line(delivered('NEWDONE'), recent),
    ].join('\n') + '\n',
  );
  const journal = await open(dir);
  assert.deepEqual(subjects(journal), ['yesterday, delivered', 'old and still waiting']);
});

test('past the cap the oldest finished messages go, in memory while running and on disk', async (t) => {
  const dir = await dataDir(t);
  const journal = await open(dir, { maxFinished: 100 });
  for (let i = 0; i < 600; i++) {
    const id = `M${String(i).padStart(4, '0')}`;
    journal.record(accepted(id));
    journal.record(delivered(id));
  }
  journal.record(accepted('WAITING', 'still waiting'));
  await journal.flushed();
  assert.ok(subjects(journal).length < 300, `bounded while running: ${subjects(journal).length} kept`);
  const again = await open(dir, { maxFinished: 100 });
  const kept = subjects(again);
  assert.equal(kept.length, 101);
  assert.ok(kept.includes('still waiting'));
  assert.ok(kept.includes('message M0599') && !kept.includes('message M0499'), 'the newest finished ones are the ones kept');
});

test('a journal that grew is rewritten as one line per record, and reads back the same', async (t) => {
  const dir = await dataDir(t);
  const journal = await open(dir, { maxFinished: 10, compactAfterLines: 50 });
  for (let i = 0; i < 1200; i++) {
    const id = `M${String(i).padStart(4, '0')}`;
    journal.record(accepted(id));
    journal.record(delivered(id));
  }
  journal.record({ type: 'rejected', session: 's', remoteAddress: '192.0.2.7', user: null, stage: 'rcpt', code: 530, reply: '530 5.7.0 Authentication required', envelope: null });
  await journal.flushed();
  const lines = await lineCount(dir);
  assert.ok(lines < 600, `2,401 events, ${lines} lines on disk`);
  const before = journal.list({ limit: 1000 });
  const again = await open(dir, { maxFinished: 10, compactAfterLines: 50 });
  // A start applies the cap at once; running, it is applied every 1,000 events.
  assert.deepEqual(again.list({ limit: 1000 }), before.slice(0, 10));
  assert.equal(again.recentRefusals(10)[0]?.reply, '530 5.7.0 Authentication required');
});

test('after a crash: an interrupted rewrite is dropped and a torn last line never swallows the next event', async (t) => {
  const dir = await dataDir(t);
  const first = await open(dir);
  first.record(accepted('KEPT', 'kept'));
  await first.flushed();
  // A rewrite cut short, and an append cut short, as a power cut would leave them.
  await writeFile(join(dir, `${JOURNAL_FILE}.tmp`), '{"type":"record","rec');
  await writeFile(join(dir, JOURNAL_FILE), `${await readFile(join(dir, JOURNAL_FILE), 'utf8')}{"type":"delivered","id":"KE`);
  const second = await open(dir);
  assert.deepEqual(subjects(second), ['kept']);
  second.record(accepted('NEXT', 'next'));
  await second.flushed();
  const third = await open(dir);
  assert.deepEqual(subjects(third).sort(), ['kept', 'next']);
  await assert.rejects(readFile(join(dir, `${JOURNAL_FILE}.tmp`)), { code: 'ENOENT' }, 'the unfinished rewrite is gone');
});

test('list gives the newest first and only as many as asked, filtered by status and user', async (t) => {
  const dir = await dataDir(t);
  const journal = await open(dir);
  for (let i = 0; i < 50; i++) journal.record(accepted(`L${String(i).padStart(2, '0')}`, `n${i}`));
  journal.record(delivered('L10'));
  assert.deepEqual(journal.list({ limit: 3 }).map((m) => m.subject).length, 3);
  const all = journal.list({ limit: 1000 });
  assert.ok(all.every((m, i) => i === 0 || (all[i - 1]?.acceptedAt ?? '') >= m.acceptedAt), 'newest first');
  assert.deepEqual(journal.list({ limit: 10, status: 'delivered' }).map((m) => m.subject), ['n10']);
  assert.deepEqual(journal.list({ limit: 10, user: 'nobody' }), []);
  await journal.flushed();
});
