/**
 * A message's key in the history: its acceptance time in ms × 1024 plus a
 * counter for messages accepted in the same millisecond (the relay's peak is
 * well under a million a second). It stays below 2^53 until the year 2248.
 */
export const SEQ_PER_MS = 1024;

export function firstSeqAt(ms: number): number {
  return ms * SEQ_PER_MS;
}

export function timeOfSeq(seq: number): number {
  return Math.floor(seq / SEQ_PER_MS);
}
