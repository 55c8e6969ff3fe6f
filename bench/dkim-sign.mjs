#!/usr/bin/env node
/**
 * DKIM signing cost (`npm run bench:dkim`, issue 19's "signing cost" row):
 * what one signature costs on the relay's path, beside what OpenSSL's own
 * `openssl speed` does with a key of the same kind on the same machine.
 *
 * Rows, each a median over --repeat runs of --count signatures, one thread:
 * - "signature only": the signature the relay makes per message (the parsed
 *   key reused, as relay/delivery/dkim-stream.ts keeps it), over a header
 *   block's worth of bytes;
 * - "message (relay path)": the relay's whole signing of a 10 KB message
 *   (header parse, relaxed body hash, header canonicalization, signature),
 *   RSA alone and RSA + Ed25519 (both signatures, as a domain with Ed25519
 *   turned on gets);
 * - "openssl speed": `openssl speed -seconds S rsa2048 ed25519` (sign/s
 *   turned into µs per signature).
 *
 * Usage: node bench/dkim-sign.mjs [--count=N] [--repeat=N] [--seconds=S]
 * Needs `tsc -b` first (it loads dist/relay).
 */
import { spawnSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { loadavg } from 'node:os';
import { signaturesOf } from '../dist/relay/delivery/dkim-stream.js';

const args = process.argv.slice(2);
const option = (/** @type {string} */ name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const COUNT = Number(option('count') ?? 2000);
const REPEAT = Number(option('repeat') ?? 5);
const SECONDS = Number(option('seconds') ?? 3);

const pem = (/** @type {'rsa' | 'ed25519'} */ type) =>
  generateKeyPairSync(type, { ...(type === 'rsa' ? { modulusLength: 2048 } : {}), privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
const rsa = { domain: 'company.example', selector: 'relaydesk', privateKey: pem('rsa') };
const ed25519 = { domain: 'company.example', selector: 'relaydesk-ed25519', privateKey: pem('ed25519') };

const headers = 'From: Anna <anna@company.example>\r\nTo: customer@example.org\r\nSubject: Invoice 2026-1234\r\nDate: Sat, 05 Dec 2026 10:00:00 +0000\r\nMessage-ID: <1@company.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n';
const line = 'The quick brown fox jumps over the lazy dog, and the relay signs what it sends.\r\n';
const message = Buffer.from(`${headers}\r\n${line.repeat(Math.ceil(10_240 / line.length))}`);

const median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Median µs per call of `run` over REPEAT runs of COUNT calls. */
async function perCall(/** @type {() => unknown} */ run) {
  const runs = [];
  for (let r = 0; r < REPEAT; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < COUNT; i++) await run();
    runs.push(Number(process.hrtime.bigint() - start) / 1000 / COUNT);
  }
  return median(runs);
}

/** µs per signature from `openssl speed`'s summary lines ("rsa 2048 bits …", "253 bits EdDSA (Ed25519) …"). */
function opensslSpeed() {
  const run = spawnSync('openssl', ['speed', '-seconds', String(SECONDS), 'rsa2048', 'ed25519'], { encoding: 'utf8' });
  if (run.status !== 0) return { rsa: NaN, ed25519: NaN, note: `openssl speed failed: ${run.stderr.trim()}` };
  // Columns: sign time, verify time, sign/s, verify/s; the times are rounded to 0.0000s for Ed25519, so sign/s is read.
  const signsPerSecond = (/** @type {RegExp} */ label) => Number(new RegExp(`^\\s*${label.source}\\s+[\\d.]+s\\s+[\\d.]+s\\s+([\\d.]+)`, 'm').exec(run.stdout)?.[1]);
  return { rsa: 1e6 / signsPerSecond(/rsa\s+2048 bits/), ed25519: 1e6 / signsPerSecond(/253 bits EdDSA \(Ed25519\)/), note: '' };
}

const rsaKey = createPrivateKey(rsa.privateKey);
const edKey = createPrivateKey(ed25519.privateKey);
const headerBytes = Buffer.from(headers);
const rows = [
  ['RSA-2048 signature only (parsed key)', await perCall(() => sign('sha256', headerBytes, rsaKey))],
  ['RSA-2048 signature, key parsed from PEM each time', await perCall(() => sign('sha256', headerBytes, rsa.privateKey))],
  ['Ed25519 signature only (parsed key)', await perCall(() => sign(null, headerBytes, edKey))],
  ['10 KB message, RSA (relay path)', await perCall(() => signaturesOf(message, [rsa]))],
  ['10 KB message, RSA + Ed25519 (relay path)', await perCall(() => signaturesOf(message, [rsa, ed25519]))],
];
const openssl = opensslSpeed();
rows.push(['openssl speed rsa2048 (sign)', openssl.rsa], ['openssl speed ed25519 (sign)', openssl.ed25519]);

console.log(`DKIM signing cost, µs per signature or message (median of ${REPEAT} runs of ${COUNT}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
for (const [name, us] of rows) console.log(`${String(name).padEnd(52)} ${Number(us).toFixed(1).padStart(8)}`);
if (openssl.note) console.log(openssl.note);
const ratio = (/** @type {number} */ ours, /** @type {number} */ theirs) => (Number.isFinite(theirs) ? `${(ours / theirs).toFixed(2)}×` : 'n/a');
console.log(`RSA signature vs openssl: ${ratio(Number(rows[0]?.[1]), openssl.rsa)}; Ed25519 signature vs openssl: ${ratio(Number(rows[2]?.[1]), openssl.ed25519)}`);
