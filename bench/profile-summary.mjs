#!/usr/bin/env node
/**
 * Summarises the relay CPU profiles that `BENCH_CPU_PROF=1 npm run bench:relay`
 * writes: where the relay's CPU time went, by module (relay code, smtp-server,
 * nodemailer, zod, Node internals, GC) and by function, self time only. The
 * profiles open in Chrome DevTools too; this is the quick look in a terminal.
 *
 * Usage: node bench/profile-summary.mjs DIR_OR_FILE... [--top=N] [--last=SECONDS]
 *   --last=S  only the profile's last S seconds of samples before the relay stopped (the measured
 *             batch after a long warm-up, say), so warm-up and measured work can be told apart
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const top = Number(args.find((a) => a.startsWith('--top='))?.slice(6) ?? 25);
const lastUs = Number(args.find((a) => a.startsWith('--last='))?.slice(7) ?? Infinity) * 1e6;
const files = args
  .filter((a) => !a.startsWith('--'))
  .flatMap((p) => (statSync(p).isDirectory() ? readdirSync(p).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(p, f)) : [p]));
if (files.length === 0) {
  console.error('usage: node bench/profile-summary.mjs DIR_OR_FILE... [--top=N]');
  process.exit(2);
}

/** Which bucket a frame's script belongs to, so the summary says "smtp-server" rather than a path. */
function moduleOf(url, name) {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(idle)' || name === '(program)') return name;
  if (!url) return 'native/other';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] ?? 'node_modules';
  if (url.includes('/dist/relay/')) return `relay/${url.split('/dist/relay/')[1]?.split('/')[0]?.replace(/\.js$/, '')}`;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return url;
}

/** A frame's script, short: "smtp-server/lib/smtp-stream.js", "relay/queue/spool.js", "node:net". */
function shortUrl(url) {
  return url.replace(/^.*\/node_modules\//, '').replace(/^.*\/dist\//, '');
}

for (const file of files) {
  /** @type {{ nodes: { id: number, children?: number[], callFrame: { functionName: string, url: string, lineNumber: number }, hitCount?: number }[], samples: number[], timeDeltas: number[], startTime: number, endTime: number }} */
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  /** The nearest JavaScript caller of a native frame (writeUtf8String alone says little). */
  const jsCaller = (/** @type {number} */ id) => {
    for (let p = parentOf.get(id); p !== undefined; p = parentOf.get(p)) {
      const f = byId.get(p)?.callFrame;
      if (f?.url) return ` ← ${f.functionName || '(anonymous)'} ${shortUrl(f.url)}:${f.lineNumber + 1}`;
    }
    return '';
  };
  const selfUs = new Map();
  const from = profile.endTime - lastUs;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at >= from) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = Math.min(profile.endTime - profile.startTime, lastUs);
  const byModule = new Map();
  const byFunction = new Map();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const mod = moduleOf(frame.url, frame.functionName);
    byModule.set(mod, (byModule.get(mod) ?? 0) + us);
    const where = frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : frame.functionName.startsWith('(') ? '' : jsCaller(id);
    const key = `${frame.functionName || '(anonymous)'} ${where}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  }
  const busy = total - (byModule.get('(idle)') ?? 0);
  const pct = (/** @type {number} */ us) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
  console.log(`\n${file}\n  wall ${(total / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s (${pct(busy).trim()} of one core)`);
  console.log('  by module (self time, % of wall):');
  for (const [mod, us] of [...byModule].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`    ${pct(us)}  ${mod}`);
  console.log(`  top ${top} functions (self time):`);
  for (const [fn, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`    ${pct(us)}  ${fn}`);
}
