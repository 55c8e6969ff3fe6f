#!/usr/bin/env node
/**
 * The host's intake of relay events into the message history
 * (`npm run bench:history-intake`, a script, not a test; issue 15: the relay
 * at full speed must not be slowed, so the host must take its events faster
 * than the relay can send them). The events are bench:history's generated
 * mail (bench/lib/history-events.mjs: accepted, sending, attempt, delivered
 * or bounced), made before the clock starts, recorded through the host's own
 * History from a dist folder as the host records each event of an IPC batch:
 *   - at relay pace: a few events every 5 ms, --pace events per second in
 *     all (default 4,000: ~1,000 messages/s, above the relay's peak W2 rate
 *     on the 2-core dev machine), as they arrive from a busy relay;
 *   - in bulk: every event at once, the most the history can take.
 * Printed per dist folder and mode: CPU µs per event (this process's user +
 * system time, which is the history's: the feeding loop is a few percent),
 * events written per second by the clock, the deepest backlog and how long
 * after the last event everything was written; the load average beside.
 * With --dist=A,B two builds are compared, their runs interleaved.
 *
 * Usage: node bench/history-intake.mjs [--dist=DIR[,DIR]] [--messages=N] [--pace=EVENTS_PER_S] [--repeat=N] [--history-dir=DIR]
 *   --messages=N     messages per run (default 20,000, ~80,000 events)
 *   --history-dir=D  record into a copy of D's history.sqlite3 (bench:history --keep) instead of an empty one
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median } from './lib/api-call.mjs';
import { eventsOf } from './lib/history-events.mjs';

const args = process.argv.slice(2);
const option = (/** @type {string} */ name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const DISTS = (option('dist') ?? new URL('../dist', import.meta.url).pathname).split(',').map((d) => resolve(d));
const MESSAGES = Number(option('messages') ?? 20_000);
const PACE = Number(option('pace') ?? 4_000);
const REPEAT = Number(option('repeat') ?? 1);
const HISTORY_DIR = option('history-dir') ?? null;
const TICK_MS = 5;
const USERS = Array.from({ length: 20 }, (_, i) => `s100000_${i}`);

const now = () => performance.now();
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/** The generated mail's events, made once, ending now (so retention keeps them). */
async function makeEvents() {
  const { seededRandom } = await import(pathToFileURL(join(DISTS[0] ?? '', 'electron/test/seeded-random.js')).href);
  const r = seededRandom(16);
  const start = Date.now() - MESSAGES * 100;
  /** @type {{ type: string }[]} */
  const events = [];
  for (let i = 0; i < MESSAGES; i++) for (const { event } of eventsOf(i, start + i * 100, r, USERS).events) events.push(event);
  return events;
}

/** One run: a fresh history (or a copy of one), the events fed at pace or all at once, the figures. */
async function run(dist, mode, events) {
  const dataDir = await mkdtemp(join(tmpdir(), 'relay-bench-intake-'));
  try {
    if (HISTORY_DIR) await cp(join(HISTORY_DIR, 'history.sqlite3'), join(dataDir, 'history.sqlite3'));
    const { History } = await import(pathToFileURL(join(dist, 'electron/host/history/history.js')).href);
    const { history } = await History.open(dataDir, { retentionDays: () => 3650 });
    const load = loadavg()[0] ?? NaN;
    const before = history.intake.written;
    const cpu = process.cpuUsage();
    const started = now();
    if (mode === 'bulk') {
      for (const event of events) history.record(event);
    } else {
      // As a busy relay's IPC batches arrive: what the pace allows every few ms.
      let sent = 0;
      while (sent < events.length) {
        const due = Math.min(events.length, Math.floor(((now() - started) / 1000) * PACE));
        for (; sent < due; sent++) history.record(/** @type {{ type: string }} */ (events[sent]));
        await sleep(TICK_MS);
      }
    }
    const lastEventAt = now();
    await history.flushed();
    const doneAt = now();
    const used = process.cpuUsage(cpu);
    const { written, deepest, skipped } = history.intake;
    history.close();
    const count = written - before;
    return {
      cpuUsPerEvent: (used.user + used.system) / count,
      eventsPerSecond: count / ((doneAt - started) / 1000),
      drainMs: doneAt - lastEventAt,
      deepest,
      skipped,
      load,
    };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  if (![MESSAGES, PACE, REPEAT].every((n) => Number.isInteger(n) && n >= 1)) throw new Error('--messages, --pace and --repeat take positive whole numbers');
  console.log(`History intake benchmark: ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}`);
  const events = await makeEvents();
  console.log(`${MESSAGES.toLocaleString('en-US')} messages, ${events.length.toLocaleString('en-US')} events per run, into ${HISTORY_DIR ? `a copy of ${HISTORY_DIR}` : 'an empty history'}; relay pace ${PACE.toLocaleString('en-US')} events/s\n`);
  /** @type {Map<string, Awaited<ReturnType<typeof run>>[]>} */
  const results = new Map();
  for (let i = 0; i < REPEAT; i++) {
    for (const mode of ['relay pace', 'bulk']) {
      for (const dist of DISTS) {
        const result = await run(dist, mode, events);
        const key = `${dist}\t${mode}`;
        results.set(key, [...(results.get(key) ?? []), result]);
      }
    }
  }
  const rows = [['dist', 'mode', 'CPU µs/event', 'events/s written', 'deepest backlog', 'written after last event ms', 'not recorded', 'load avg (1 min)']];
  for (const [key, runs] of results) {
    const [dist, mode] = key.split('\t');
    const mid = (/** @type {(r: Awaited<ReturnType<typeof run>>) => number} */ f) => median(runs.map(f));
    rows.push([
      dist ?? '',
      mode ?? '',
      mid((r) => r.cpuUsPerEvent).toFixed(0),
      Math.round(mid((r) => r.eventsPerSecond)).toLocaleString('en-US'),
      Math.round(mid((r) => r.deepest)).toLocaleString('en-US'),
      mid((r) => r.drainMs).toFixed(0),
      String(Math.max(...runs.map((r) => r.skipped))),
      runs.map((r) => r.load.toFixed(1)).join(', '),
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  for (const r of rows) console.log(r.map((cell, c) => (c <= 1 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  '));
  console.log(
    `\n${REPEAT > 1 ? `medians of ${REPEAT} runs each, interleaved. ` : ''}CPU µs/event: this process's user + system time over the run per event written` +
      ' (the history\'s work, the feeding a few percent).\nAt relay pace, events/s written is the pace itself when the history keeps up; in bulk, the most it takes by the clock.' +
      `\nThe history keeps up with a relay sending E events/s while 10^6 / (CPU µs/event) > E on a core of its own.`,
  );
}

await main();
