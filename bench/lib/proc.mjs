/**
 * Process bookkeeping for the bench: free ports, memory figures from /proc,
 * and waiting on conditions with a bound (every wait in the bench ends by
 * itself, even if a relay hangs).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';

/** Resolves with a free loopback port in [min, max] (the relay accepts 1025–5000 only). */
export async function freePort(min = 1025, max = 5000) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = min + Math.floor(Math.random() * (max - min + 1));
    const free = await new Promise((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port between ${min} and ${max}`);
}

/** A "kB" field of /proc/<pid>/status (VmHWM, VmRSS), in bytes; 0 when the process is gone. */
export function statusBytes(pid, field) {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Proportional set size of a process in bytes: its private pages plus its
 * share of pages it maps with others. Summing Pss over Postfix's many
 * processes counts the shared libraries once, which summing RSS would not.
 */
export function pssBytes(pid) {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The direct children of a process (Postfix's daemons are all children of master). */
export function childrenOf(pid) {
  const children = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command name, which is in parentheses and may hold spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/**
 * CPU seconds (user + system) a process has used, including its children
 * that it has already reaped (Postfix's master reaps its daemons, so their
 * time lands here once they exit). 0 when the process is gone.
 */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 3 (state) follows the parenthesised command name; utime..cstime are fields 14–17.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').slice(11, 15).map(Number);
    return f.reduce((a, b) => a + b, 0) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU seconds of a process and of all its live children (and what they reaped). */
export function treeCpuSeconds(rootPid) {
  return [rootPid, ...childrenOf(rootPid)].reduce((sum, pid) => sum + cpuSeconds(pid), 0);
}

/**
 * Samples the summed Pss of a process tree (root and its children) until
 * stopped; stop() returns the peak seen. Sampling misses short spikes, so it
 * is a lower bound; for a single process VmHWM is exact and preferred.
 */
export function sampleTreePeak(rootPid, intervalMs = 100) {
  let peak = 0;
  const sample = () => {
    const pids = [rootPid, ...childrenOf(rootPid)];
    peak = Math.max(peak, pids.reduce((sum, pid) => sum + pssBytes(pid), 0));
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

/**
 * Resolves when `check()` returns a truthy value, polling every `everyMs`;
 * resolves with null after `timeoutMs` (the caller reports the miss).
 */
export async function waitUntil(check, timeoutMs, everyMs = 20) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > end) return null;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * Resolves true once something accepts connections on the loopback `port`
 * (servers that print nothing when ready), false after `tries` attempts
 * about 50 ms apart or as soon as `gone()` says the process exited.
 */
export async function portAnswers(port, tries, gone) {
  for (let i = 0; i < tries && !gone(); i++) {
    const up = await new Promise((resolve) => {
      const s = connect({ host: '127.0.0.1', port }, () => (s.destroy(), resolve(true)));
      s.on('error', () => setTimeout(() => resolve(false), 50));
    });
    if (up) return true;
  }
  return false;
}
