/**
 * How fast the machine is right now, in one figure a reader can compare
 * between runs: the CPU time of an RSA-2048 DKIM-sized signature in this
 * process (the relay's own per-message signing step). On the shared VMs the
 * benches run on, neighbours slow every server down by a quarter or more
 * within one session (seen: 0.25 → 0.35 ms from one minute to the next, and
 * over an hour the relay's W2 CPU per message 1.4 → 2.1 ms and Postfix's
 * 4.8 → 7.1 on the same build), so the relay benches print this at their
 * start and end: a snapshot, not a correction, that says whether a run's CPU
 * figures can be compared with another's.
 */
import { generateKeyPairSync, sign } from 'node:crypto';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
/** About what the relay signs per message: the covered header fields and the DKIM-Signature header without b=. */
const DATA = Buffer.alloc(600, 'x');

/** Median CPU ms of one signature over 5 rounds of 100, after a warm-up. */
export function rsaSignMs() {
  for (let i = 0; i < 50; i++) sign('sha256', DATA, privateKey);
  const rounds = [];
  for (let r = 0; r < 5; r++) {
    const start = process.cpuUsage();
    for (let i = 0; i < 100; i++) sign('sha256', DATA, privateKey);
    const used = process.cpuUsage(start);
    rounds.push((used.user + used.system) / 1000 / 100);
  }
  return rounds.sort((a, b) => a - b)[2];
}

/** The line the benches print. @param {string} when */
export function machineSpeedLine(when) {
  return `Machine speed ${when}: an RSA-2048 signature takes ${rsaSignMs().toFixed(3)} ms of CPU (crypto.sign in the bench's process)`;
}
