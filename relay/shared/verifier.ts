/**
 * Password verifiers: what the host stores (in the OS keychain) and hands to
 * the relay instead of passwords. scrypt, with its cost in the string so it
 * can be raised later without breaking existing users.
 * Format: scrypt$<log2 N>$<r>$<p>$<salt, base64>$<hash, base64>
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const LOG2_N = 15;
const R = 8;
const P = 1;
const KEY_BYTES = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function costOptions(log2n: number, r: number, p: number): ScryptOptions {
  const N = 2 ** log2n;
  // Node's default maxmem (32 MiB) is just below what N = 2^15, r = 8 needs.
  return { N, r, p, maxmem: 256 * N * r };
}

export async function createVerifier(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, costOptions(LOG2_N, R, P));
  return ['scrypt', LOG2_N, R, P, salt.toString('base64'), hash.toString('base64')].join('$');
}

const FORMAT = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

export function isVerifier(text: string): boolean {
  return FORMAT.test(text);
}

/** True when `password` matches; false for a wrong password or a malformed verifier. */
export async function verifyPassword(verifier: string, password: string): Promise<boolean> {
  const m = FORMAT.exec(verifier);
  if (!m?.[4] || !m[5]) return false;
  const [log2n, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (log2n < 10 || log2n > 20 || r < 1 || p < 1) return false;
  const expected = Buffer.from(m[5], 'base64');
  const actual = await derive(password, Buffer.from(m[4], 'base64'), costOptions(log2n, r, p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
