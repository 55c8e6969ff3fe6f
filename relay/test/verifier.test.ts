/** Password verifiers with real scrypt; two are made at the standard cost (~130 ms each), others by hand at a low cost. */
import assert from 'node:assert/strict';
import { scryptSync } from 'node:crypto';
import { test } from 'node:test';
import { createVerifier, isVerifier, verifyPassword } from '../shared/verifier.js';

const COMPOSED = 'caf\u00e9 cr\u00e8me'; // é and è as one code point each
const DECOMPOSED = 'cafe\u0301 cre\u0300me'; // e followed by a combining accent
const [FROM_COMPOSED, FROM_DECOMPOSED] = await Promise.all([createVerifier(COMPOSED), createVerifier(DECOMPOSED)]);

/** A verifier made without createVerifier, at the cost given in its own text. */
function handMade(password: string, log2n: number, r = 8, p = 1): string {
  const salt = Buffer.from('0123456789abcdef');
  const hash = scryptSync(password, salt, 32, { N: 2 ** log2n, r, p, maxmem: 256 * 2 ** log2n * r });
  return ['scrypt', log2n, r, p, salt.toString('base64'), hash.toString('base64')].join('$');
}

test('a verifier names scrypt and its cost, then a 16-byte salt and a 32-byte hash in base64', () => {
  const match = /^scrypt\$15\$8\$1\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(FROM_COMPOSED);
  assert.ok(match, FROM_COMPOSED);
  assert.equal(Buffer.from(match[1] ?? '', 'base64').length, 16);
  assert.equal(Buffer.from(match[2] ?? '', 'base64').length, 32);
  assert.equal(isVerifier(FROM_COMPOSED), true);
  assert.ok(!FROM_COMPOSED.includes(COMPOSED), 'the password is not in it');
});

test('the password verifies, any other does not', async () => {
  assert.equal(await verifyPassword(FROM_COMPOSED, COMPOSED), true);
  const wrong = ['', 'CAF\u00c9 CR\u00c8ME', `${COMPOSED} `, 'cafe creme'];
  const results = await Promise.all(wrong.map((password) => verifyPassword(FROM_COMPOSED, password)));
  assert.deepEqual(results, wrong.map(() => false));
});

test('the same password gets a different salt and hash each time', () => {
  const [, , , , saltA, hashA] = FROM_COMPOSED.split('$');
  const [, , , , saltB, hashB] = FROM_DECOMPOSED.split('$');
  assert.notEqual(saltA, saltB);
  assert.notEqual(hashA, hashB);
});

test('a password verifies whether its accents were typed composed or decomposed (NFC)', async () => {
  assert.notEqual(COMPOSED, DECOMPOSED);
  assert.equal(await verifyPassword(FROM_COMPOSED, DECOMPOSED), true);
  assert.equal(await verifyPassword(FROM_DECOMPOSED, COMPOSED), true);
});

test('the cost is read from the verifier, so one made at another cost still verifies', async () => {
  const cheap = handMade('pw', 10, 4, 2);
  assert.equal(isVerifier(cheap), true);
  assert.equal(await verifyPassword(cheap, 'pw'), true);
  assert.equal(await verifyPassword(cheap, 'pW'), false);
});

test('a malformed verifier or one with an unsafe cost verifies nothing', async () => {
  const good = handMade('pw', 10);
  const [, , r, p, salt, hash] = good.split('$') as [string, string, string, string, string, string];
  const malformed = [
    '',
    'pw',
    'bcrypt$10$8$1$' + salt + '$' + hash,
    ['scrypt', 10, r, p, salt].join('$'),
    ['scrypt', 10, r, p, '', hash].join('$'),
    ['scrypt', 10, r, p, salt, ''].join('$'),
    ['scrypt', 10, r, p, salt, 'not base64!'].join('$'),
    ['scrypt', 'x', r, p, salt, hash].join('$'),
    `${good}$extra`,
    ` ${good}`,
  ];
  for (const verifier of malformed) {
    assert.equal(isVerifier(verifier), false, verifier);
    assert.equal(await verifyPassword(verifier, 'pw'), false, verifier);
  }
  // Well-formed but refused: too cheap, too costly, r or p zero.
  for (const [n, rr, pp] of [[9, r, p], [21, r, p], [99, r, p], [10, 0, p], [10, r, 0]]) {
    const verifier = ['scrypt', n, rr, pp, salt, hash].join('$');
    assert.equal(await verifyPassword(verifier, 'pw'), false, verifier);
  }
  // A hash of another length never matches, and does not throw.
  assert.equal(await verifyPassword(['scrypt', 10, r, p, salt, Buffer.alloc(16).toString('base64')].join('$'), 'pw'), false);
});
