#!/usr/bin/env node
/**
 * Idle footprint benchmark (`npm run bench:idle`): `relay-desk serve` on a
 * data folder with 10,000 SMTP users (seeded as bench/api.mjs does), the
 * relay listening and no mail, watched for --duration seconds (default 60)
 * after it has settled (--settle, default 10). Printed against issue 16's
 * targets: host and relay CPU time together < 0.5% of one core, host + relay
 * RSS < 300 MB, serve start (spawn) to SMTP listening < 1.5 s; and how often
 * they wake up, which should be no more than about once a second each when
 * nothing is pending.
 *
 * CPU: utime + stime of both processes from /proc/<pid>/stat, before and
 * after the window. RSS: VmRSS of both from /proc/<pid>/status every second,
 * the sum's mean and peak, and each process's VmHWM (its peak since start).
 * Wakeups: voluntary context switches of every thread of both processes
 * (/proc/<pid>/task/<tid>/status) over the window, a thread counting one
 * each time it sleeps, so each timer or other wakeup costs one; the event
 * loop's own thread (tid = pid) shown apart. Where strace is installed, a
 * second, shorter window (--strace seconds, default 10; 0 skips it) counts
 * the event loops' epoll_wait calls directly, one per loop iteration (strace
 * slows what it watches, so it never overlaps the CPU window).
 *
 * Usage: node bench/idle.mjs [--users=N] [--duration=S] [--settle=S] [--strace=S]
 * BENCH_CPU_PROF=1   run the host with --cpu-prof (its start and the idle window); the folder is printed
 *                    for bench/profile-summary.mjs
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { childrenOf, cpuSeconds, freePort, statusBytes, waitUntil } from './lib/proc.mjs';
import { cleanUp, cleanups, seed, startHost } from './lib/seeded-host.mjs';

const args = process.argv.slice(2);
const option = (/** @type {string} */ name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const USERS = Number(option('users') ?? 10_000);
const DURATION = Number(option('duration') ?? 60);
const SETTLE = Number(option('settle') ?? 10);
const STRACE = Number(option('strace') ?? 10);

const TARGETS = { cpuPercent: 0.5, rssMb: 300, startSeconds: 1.5, wakeupsPerSecond: 1 };
const MB = 1024 * 1024;
const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Voluntary context switches of each thread of a process, by thread id. */
async function threadSwitches(pid) {
  /** @type {Map<string, number>} */
  const switches = new Map();
  for (const tid of await readdir(`/proc/${pid}/task`).catch(() => [])) {
    const status = await readFile(`/proc/${pid}/task/${tid}/status`, 'utf8').catch(() => '');
    const match = /^voluntary_ctxt_switches:\s+(\d+)/m.exec(status);
    if (match) switches.set(tid, Number(match[1]));
  }
  return switches;
}

/** Switches between two readings: the whole process (threads that came and went counted from 0) and its main thread. */
function switchesBetween(before, after, pid) {
  let total = 0;
  for (const [tid, count] of after) total += count - (before.get(tid) ?? 0);
  return { total, main: (after.get(String(pid)) ?? 0) - (before.get(String(pid)) ?? 0) };
}

/** Counts epoll_wait calls of both processes' every thread for `seconds`, with strace; null without strace. */
async function straceEpoll(pids, seconds) {
  if (seconds <= 0 || spawnSync('strace', ['-V']).status !== 0) return null;
  const child = spawn('strace', ['-f', '-qq', '-e', 'trace=epoll_wait,epoll_pwait,epoll_pwait2', ...pids.flatMap((pid) => ['-p', String(pid)])], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr.setEncoding('utf8').on('data', (text) => (output += text));
  await sleep(seconds * 1000);
  child.kill('SIGINT');
  await once(child, 'exit');
  // One line per call; a call strace saw begin and end apart prints "resumed" for its second half.
  const calls = output.split('\n').filter((line) => /epoll_p?wait2?\(/.test(line) && !line.includes('resumed>'));
  /** @type {Map<number, number>} */
  const byThread = new Map();
  for (const line of calls) {
    const tid = Number(/^\[pid\s+(\d+)\]/.exec(line)?.[1] ?? 0);
    byThread.set(tid, (byThread.get(tid) ?? 0) + 1);
  }
  return pids.map((pid) => ({ pid, perSecond: (byThread.get(pid) ?? 0) / seconds, others: [...byThread].filter(([tid]) => tid !== pid && tid !== 0).length }));
}

async function main() {
  if (![USERS, DURATION].every((n) => Number.isInteger(n) && n >= 1) || !(SETTLE >= 0) || !(STRACE >= 0)) {
    throw new Error('--users and --duration take positive whole numbers, --settle and --strace seconds (0 or more)');
  }
  console.log(`Idle footprint benchmark: ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}`);
  const dataDir = await mkdtemp(join(tmpdir(), 'relay-bench-idle-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const smtpPort = await freePort();
  const seeded = await seed(dataDir, smtpPort, USERS);
  console.log(`seeded ${USERS.toLocaleString('en-US')} users in ${seeded.seconds.toFixed(1)} s (users.jsonl ${(seeded.usersBytes / MB).toFixed(1)} MB)`);

  const profileDir = process.env.BENCH_CPU_PROF ? mkdtempSync(join(tmpdir(), 'relay-bench-idle-prof-')) : null;
  const host = await startHost(dataDir, smtpPort, profileDir);
  const hostPid = /** @type {number} */ (host.child.pid);
  const relayPid = await waitUntil(() => childrenOf(hostPid).find((pid) => host.lines.some((l) => l.includes(`relay process ${pid} started`))), 10_000);
  if (!relayPid) throw new Error(`no relay child of the host ${hostPid}; its output:\n${host.lines.join('\n')}`);
  console.log(`serve started; SMTP listening after ${host.startSeconds.toFixed(2)} s (host ${hostPid}, relay ${relayPid}); settling ${SETTLE} s`);
  await sleep(SETTLE * 1000);

  const pids = [hostPid, relayPid];
  const cpuBefore = pids.map(cpuSeconds);
  const switchesBefore = await Promise.all(pids.map(threadSwitches));
  const startedAt = performance.now();
  /** @type {number[][]} */
  const rss = [];
  while (performance.now() - startedAt < DURATION * 1000) {
    rss.push(pids.map((pid) => statusBytes(pid, 'VmRSS')));
    await sleep(1000);
  }
  const seconds = (performance.now() - startedAt) / 1000;
  const cpuAfter = pids.map(cpuSeconds);
  const switchesAfter = await Promise.all(pids.map(threadSwitches));
  const hwm = pids.map((pid) => statusBytes(pid, 'VmHWM'));
  const exited = host.child.exitCode !== null || !childrenOf(hostPid).includes(relayPid);
  if (exited) throw new Error('the host or the relay exited during the measurement');

  const cpu = pids.map((_, i) => ((cpuAfter[i] ?? 0) - (cpuBefore[i] ?? 0)) / seconds * 100);
  const wakeups = pids.map((pid, i) => switchesBetween(switchesBefore[i], switchesAfter[i], pid));
  const sums = rss.map((sample) => sample.reduce((a, b) => a + b, 0));
  const meanRss = sums.reduce((a, b) => a + b, 0) / sums.length;
  const peakRss = Math.max(...sums);
  const epoll = await straceEpoll(pids, STRACE);

  const names = ['host', 'relay'];
  console.log(`\nOver ${seconds.toFixed(0)} s idle, ${USERS.toLocaleString('en-US')} users:`);
  const rows = [
    ['', 'CPU % of one core', 'RSS MB (mean)', 'VmHWM MB', 'wakeups/s all threads', 'wakeups/s event loop', ...(epoll ? ['epoll_wait/s (strace)'] : [])],
    ...pids.map((pid, i) => [
      names[i] ?? String(pid),
      (cpu[i] ?? 0).toFixed(3),
      (rss.reduce((a, s) => a + (s[i] ?? 0), 0) / rss.length / MB).toFixed(1),
      ((hwm[i] ?? 0) / MB).toFixed(1),
      ((wakeups[i]?.total ?? 0) / seconds).toFixed(2),
      ((wakeups[i]?.main ?? 0) / seconds).toFixed(2),
      ...(epoll ? [(epoll[i]?.perSecond ?? 0).toFixed(2)] : []),
    ]),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  for (const r of rows) console.log(r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  '));

  const cpuTotal = cpu.reduce((a, b) => a + b, 0);
  const loopWakeups = Math.max(...wakeups.map((w) => w.main / seconds));
  const targets = [
    { name: `host + relay CPU < ${TARGETS.cpuPercent}% of one core`, measured: `${cpuTotal.toFixed(3)}%`, pass: cpuTotal < TARGETS.cpuPercent },
    { name: `host + relay RSS < ${TARGETS.rssMb} MB`, measured: `${(meanRss / MB).toFixed(1)} MB mean, ${(peakRss / MB).toFixed(1)} MB peak`, pass: peakRss < TARGETS.rssMb * MB },
    { name: `serve start to SMTP listening < ${TARGETS.startSeconds} s`, measured: `${host.startSeconds.toFixed(2)} s`, pass: host.startSeconds < TARGETS.startSeconds },
    {
      name: `each event loop wakes ≤ ${TARGETS.wakeupsPerSecond}/s when idle`,
      measured: `${loopWakeups.toFixed(2)}/s at most (voluntary context switches of the loop's thread)`,
      pass: loopWakeups <= TARGETS.wakeupsPerSecond,
    },
  ];
  console.log('\nTargets (issue 16)');
  const width = Math.max(...targets.map((t) => t.name.length));
  for (const t of targets) console.log(`  ${t.pass ? 'PASS' : 'MISS'}  ${t.name.padEnd(width)}  ${t.measured}`);
  console.log(`\n${targets.filter((t) => t.pass).length} of ${targets.length} targets met.`);
  if (profileDir) console.log(`host CPU profile (written when it stops): node bench/profile-summary.mjs ${profileDir}`);
  console.log(
    '\nwakeups: voluntary context switches per second, a proxy for wakeups (a thread sleeping on a timer or I/O and waking\n' +
      '  counts one); all threads include libuv\'s pool and V8\'s platform workers. epoll_wait/s: the event loop\'s\n' +
      `  iterations, counted with strace over ${STRACE} s after the CPU window.`,
  );
}

try {
  await main();
} finally {
  await cleanUp();
}
