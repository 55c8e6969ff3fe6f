#!/usr/bin/env node
/**
 * Message history benchmark (`npm run bench:history`, a script, not a test):
 * 1,000,000 messages over 30 days generated straight into a fresh data
 * folder's history with the store's own code from dist/ (the events a relay
 * sends for each: accepted, sending, attempt, outcome, written by the ingest
 * in one transaction per batch, so the generation also measures the host's
 * event intake rate), then `relay-desk serve` started on that folder and
 * messages.list called over its HTTP API with each filter and free-text
 * search, stats.get in each mode over the 30 days (the screen's whole days; and 30 × 24 h, its first day cut), the counters and one
 * message's detail. Prints p50/p90 per
 * call, the host's start time (and a restart's) and RSS (now and peak), and
 * PASS/MISS against issue 15's targets. Needs the OS keychain: run inside scripts/with-keyring.sh (the
 * npm script does).
 *
 * Usage: node bench/history.mjs [--messages=N] [--calls=N] [--keep]
 *   --messages=N   messages to generate (default 1000000)
 *   --calls=N      measured calls per query (default 40, after 5 warm-up calls)
 *   --keep         keep the data folder (its history.sqlite3, to look at queries with the sqlite3 shell)
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, median, percentile } from './lib/api-call.mjs';
import { freePort, statusBytes } from './lib/proc.mjs';
import { seededRandom } from '../dist/electron/test/seeded-random.js';
import { eventsOf } from './lib/history-events.mjs';
import { adminToken, cleanUp, cleanups, LISTS, seed, startHost } from './lib/seeded-host.mjs';

const args = process.argv.slice(2);
const option = (/** @type {string} */ name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const MESSAGES = Number(option('messages') ?? 1_000_000);
const CALLS = Number(option('calls') ?? 40);
const DAYS = 30;
const BATCH = 5_000;
const USERS = 20;
const TARGETS = { listMs: 50, statsMs: 200, countersMs: 5, startSeconds: 2, rssMb: 250, intakeEventsPerSecond: 5_000 };
const aggregationOf = (by) => (['day', 'week', 'month', 'year'].includes(by) ? { mode: 'time', unit: by } : { mode: by, unit: 'day' });

const now = () => performance.now();
const DAY_MS = 86_400_000;

// ── generating ─────────────────────────────────────────────────────────────

async function generate(dataDir, users) {
  const { History } = await import(new URL('../dist/electron/host/history/history.js', import.meta.url).href);
  const { history } = await History.open(dataDir, { retentionDays: () => DAYS + 5 });
  // Deterministic, so every run stores the same history.
  const r = seededRandom(15);
  // The month ends an hour from now, so the oldest messages stay inside the 30 days' retention while the bench runs.
  const start = Date.now() + 3_600_000 - DAYS * DAY_MS;
  const step = (DAYS * DAY_MS) / MESSAGES;
  const sample = { ids: [], recipients: [] };
  const sampleEvery = Math.max(8, Math.floor(MESSAGES / 12));
  let events = 0;
  let writing = 0;
  // The last tenth of the messages apart: the intake once the history is nearly full size.
  const lastTenth = Math.floor(MESSAGES * 0.9);
  const last = { events: 0, writing: 0, cpu: /** @type {NodeJS.CpuUsage | null} */ (null) };
  const started = now();
  for (let i = 0; i < MESSAGES; i++) {
    const made = eventsOf(i, Math.floor(start + i * step), r, users);
    if (i === lastTenth) last.cpu = process.cpuUsage();
    for (const { event, at } of made.events) history.record(event, at);
    events += made.events.length;
    if (i >= lastTenth) last.events += made.events.length;
    // A dozen ids and recipients spread over the month, for the searches and messages.get.
    if (i % sampleEvery === 7) {
      sample.ids.push(made.id);
      sample.recipients.push(made.to[0]);
    }
    if ((i + 1) % BATCH === 0 || i === MESSAGES - 1) {
      const flushStarted = now();
      await history.flushed();
      writing += now() - flushStarted;
      if (i >= lastTenth) last.writing += now() - flushStarted;
      if ((i + 1) % 100_000 === 0) process.stdout.write(`${(i + 1) / 1000}k `);
    }
  }
  const seconds = (now() - started) / 1000;
  const cpu = process.cpuUsage(last.cpu ?? undefined);
  history.close();
  return {
    events,
    seconds,
    eventsPerSecond: events / (writing / 1000),
    // Generating the events is in the CPU time too: a few percent.
    last: { eventsPerSecond: last.events / (last.writing / 1000), eventsPerCpuSecond: last.events / ((cpu.user + cpu.system) / 1e6) },
    sample,
  };
}

// ── measuring ──────────────────────────────────────────────────────────────

function plan(users, sample) {
  const day = (daysAgo) => new Date(Date.now() - daysAgo * DAY_MS).toISOString();
  const wholeDays = (days) => {
    const now = new Date();
    return new Date(now.getFullYear(), now.getMonth(), now.getDate() - (days - 1)).toISOString();
  };
  const list = (label, filter, extra = {}) => ({ label, method: 'messages.list', input: () => ({ filter, ...extra }), target: TARGETS.listMs });
  return [
    list('no filter (newest page)', {}),
    list('no filter, page 100', {}, { page: 100 }),
    list('status delivered', { status: ['delivered'] }),
    list('status bounced', { status: ['bounced'] }),
    list('status partly-delivered', { status: ['partly-delivered'] }),
    list('list', { list: LISTS[2] }),
    list('user', { user: users[7] }),
    list('sender address', { sender: 'user7@d7.bench.example' }),
    list('sender domain', { sender: '@d3.bench.example' }),
    list('last 24 hours', { since: day(1) }),
    list('one day, 10 days ago', { since: day(10), until: day(9) }),
    list('user + status + 7 days', { user: users[3], status: ['delivered'], since: day(7) }),
    list('search: common word "invoice"', { search: 'invoice' }),
    list('search: subject phrase "ticket #12"', { search: 'ticket #12' }),
    list('search: a recipient', { search: sample.recipients[0] }),
    list('search: a queue id', { search: sample.ids[3] }),
    list('search + status', { search: 'weekly report', status: ['bounced'] }),
    list('search: part of addresses "@client7"', { search: '@client7' }),
    // As the Statistics screen asks: "last 30 days" is today and the 29 whole days before it.
    ...['day', 'week', 'month', 'year', 'subject', 'dynamic-subject', 'sender', 'sender-name', 'sender-subject', 'user'].map((by) => ({
      label: `stats.get by ${by}, 30 days`,
      method: 'stats.get',
      input: () => ({ list: LISTS[1], by: aggregationOf(by), since: wholeDays(DAYS) }),
      target: TARGETS.statsMs,
    })),
    // As the CLI's --since 30d asks: 30 × 24 hours back, the first day cut (counted from its messages).
    ...['subject', 'sender-subject'].map((by) => ({
      label: `stats.get by ${by}, 30 × 24 h`,
      method: 'stats.get',
      input: () => ({ list: LISTS[1], by: aggregationOf(by), since: day(DAYS) }),
      target: TARGETS.statsMs,
    })),
    { label: 'messages.counters', method: 'messages.counters', input: () => ({}), target: TARGETS.countersMs },
    { label: 'messages.get', method: 'messages.get', input: (i) => ({ id: sample.ids[i % sample.ids.length] }), target: TARGETS.listMs },
    { label: 'messages.refusals', method: 'messages.refusals', input: () => ({}), target: TARGETS.listMs },
  ];
}

async function measure(baseUrl, token, step) {
  for (let i = 0; i < 5; i++) await call(baseUrl, token, step.method, step.input(i));
  const times = [];
  let total = null;
  for (let i = 0; i < CALLS; i++) {
    const result = await call(baseUrl, token, step.method, step.input(i));
    times.push(result.ms);
    total ??= result.value.total ?? result.value.groups?.length ?? null;
  }
  times.sort((a, b) => a - b);
  return { ...step, p50: median(times), p90: percentile(times, 90), total };
}

const verdict = (ok) => (ok ? 'PASS' : 'MISS');

async function main() {
  const benchStarted = now();
  console.log(`Message history bench: ${MESSAGES.toLocaleString('en-US')} messages over ${DAYS} days; ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), Node ${process.version}.`);
  const dataDir = await mkdtemp(join(tmpdir(), 'relay-desk-bench-history-'));
  if (args.includes('--keep')) console.log(`Data folder (kept): ${dataDir}`);
  else cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const smtpPort = await freePort();
  const seeded = await seed(dataDir, smtpPort, USERS);

  process.stdout.write('Generating through the history’s ingest… ');
  const made = await generate(dataDir, seeded.names);
  const dbBytes = (await stat(join(dataDir, 'history.sqlite3'))).size;
  console.log(
    `\n${made.events.toLocaleString('en-US')} events in ${made.seconds.toFixed(0)} s; ingest wrote ${Math.round(made.eventsPerSecond).toLocaleString('en-US')} events/s ` +
      `(${Math.round(made.eventsPerSecond / (made.events / MESSAGES)).toLocaleString('en-US')} messages/s); history.sqlite3 ${(dbBytes / 1024 / 1024).toFixed(0)} MB.`,
  );
  const intake = made.last.eventsPerSecond;
  console.log(
    `Ingest over the last tenth (the history near full size): ${Math.round(intake).toLocaleString('en-US')} events/s, ` +
      `${Math.round(made.last.eventsPerCpuSecond).toLocaleString('en-US')} per CPU second — ${verdict(intake >= TARGETS.intakeEventsPerSecond)} (≥ ${TARGETS.intakeEventsPerSecond.toLocaleString('en-US')} events/s)`,
  );

  process.stdout.write('Starting relay-desk serve on it… ');
  const host = await startHost(dataDir, smtpPort);
  console.log(`relay listening ${host.startSeconds.toFixed(2)} s after spawn.`);
  const token = await adminToken(dataDir);

  const rows = [];
  for (const step of plan(seeded.names, made.sample)) {
    const row = await measure(host.url.href, token, step);
    rows.push(row);
    console.log(`  ${row.label.padEnd(36)} p50 ${row.p50.toFixed(1).padStart(7)} ms  p90 ${row.p90.toFixed(1).padStart(7)} ms${row.total === null ? '' : `  (${row.total.toLocaleString('en-US')} matches)`}  ${verdict(row.p50 < row.target)} < ${row.target} ms`);
  }
  const rssMb = statusBytes(host.child.pid, 'VmRSS') / 1024 / 1024;
  const peakMb = statusBytes(host.child.pid, 'VmHWM') / 1024 / 1024;
  await host.stop();
  // A restart on the same history: what an admin waits for after the first start.
  const again = await startHost(dataDir, smtpPort);
  await again.stop();

  const lists = rows.filter((r) => r.method === 'messages.list');
  const stats = rows.filter((r) => r.method === 'stats.get');
  const missed = rows.filter((r) => !(r.p50 < r.target));
  console.log('');
  console.log(`messages.list, ${lists.length} filters: ${lists.length - lists.filter((r) => !(r.p50 < r.target)).length} under ${TARGETS.listMs} ms at p50 — ${verdict(lists.every((r) => r.p50 < r.target))}`);
  console.log(`stats.get, ${stats.length} periods and modes over 30 days: ${stats.filter((r) => r.p50 < r.target).length} under ${TARGETS.statsMs} ms at p50 — ${verdict(stats.every((r) => r.p50 < r.target))}`);
  console.log(`messages.counters p50 ${rows.find((r) => r.method === 'messages.counters')?.p50.toFixed(2)} ms — ${verdict(rows.find((r) => r.method === 'messages.counters')?.p50 < TARGETS.countersMs)} (< ${TARGETS.countersMs} ms)`);
  console.log(`host start (spawn → relay listening) ${host.startSeconds.toFixed(2)} s — ${verdict(host.startSeconds < TARGETS.startSeconds)} (< ${TARGETS.startSeconds} s)`);
  console.log(`host restart on the same history ${again.startSeconds.toFixed(2)} s — ${verdict(again.startSeconds < TARGETS.startSeconds)} (< ${TARGETS.startSeconds} s)`);
  console.log(`host RSS after the queries ${rssMb.toFixed(0)} MB, peak ${peakMb.toFixed(0)} MB — ${verdict(peakMb < TARGETS.rssMb)} (< ${TARGETS.rssMb} MB)`);
  if (missed.length > 0) console.log(`MISS: ${missed.map((r) => r.label).join(', ')}`);
  await cleanUp();
  console.log(`\nTotal bench time ${((now() - benchStarted) / 1000).toFixed(0)} s.`);
}

main().catch(async (err) => {
  console.error(err);
  await cleanUp();
  process.exit(1);
});
