/**
 * Random bytes from the system's generator, drawn 4 KB at a time. One call
 * per queue id or per connection cost ~20 µs each under load (OpenSSL 3's
 * RAND_bytes), 1-2% of the relay's time; bytes are never handed out twice.
 */
import { randomFillSync } from 'node:crypto';

const pool = Buffer.alloc(4096);
let used = pool.length;

/** `bytes` fresh random bytes as lower-case hex. */
export function randomHex(bytes: number): string {
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  return pool.toString('hex', used, (used += bytes));
}
