/**
 * The host's side of the relay's events for bench/relay.mjs: every event
 * the relay sends is recorded into a message history (the host's own
 * History from dist/, in a temp data folder, or a copy of one kept by
 * `bench:history --keep`, to record into a month's history), as the host
 * does on each IPC batch. Reports how the history kept up: events written,
 * the deepest backlog, events not recorded, the CPU this process spent, and
 * how long after the last event the backlog was written.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const historyModule = new URL('../../dist/electron/host/history/history.js', import.meta.url);

/** @param {string | null} copyOf a data folder whose history.sqlite3 is copied first */
export async function openRecorder(copyOf) {
  const dataDir = await mkdtemp(join(tmpdir(), 'relay-bench-history-'));
  if (copyOf) await cp(join(copyOf, 'history.sqlite3'), join(dataDir, 'history.sqlite3'));
  const { History } = await import(historyModule.href);
  const { history } = await History.open(dataDir, { retentionDays: () => 3650 });
  let lastEventAt = 0;
  /** @type {{ cpu: NodeJS.CpuUsage, written: number, at: number } | null} */
  let mark = null;
  return {
    /** What the host does with an IPC batch of relay events. */
    record(/** @type {{ type: string }[]} */ events) {
      for (const event of events) history.record(event);
      lastEventAt = performance.now();
    },
    /** Starts the measured part. */
    start() {
      mark = { cpu: process.cpuUsage(), written: history.intake.written, at: performance.now() };
    },
    /** Waits for the backlog to be written; the figures since start(). */
    async finish() {
      await history.flushed();
      const drainedAt = performance.now();
      const cpu = process.cpuUsage(mark?.cpu);
      const { written, deepest, skipped } = history.intake;
      return {
        events: written - (mark?.written ?? 0),
        seconds: (lastEventAt - (mark?.at ?? 0)) / 1000,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        deepest,
        skipped,
        drainMs: Math.max(0, drainedAt - lastEventAt),
      };
    },
    async close() {
      history.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
