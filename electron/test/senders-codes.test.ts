/**
 * Address verification codes with an explicit clock: 24 hours of validity,
 * five wrong tries, a salted hash only, and the mail that carries them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CODE_TTL_MS,
  MAX_TRIES,
  checkCode,
  codeMessage,
  hashCode,
  newCode,
  normalizeCode,
  parseCodeEntry,
  rfc5322Date,
} from '../host/services/senders/address-codes.js';

const t0 = new Date('2026-11-26T09:05:00.000Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

test('a new code is six digits; only a salted hash of it is kept', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const { code, entry } = newCode(t0);
    assert.match(code, /^\d{6}$/);
    assert.equal(entry.hash.includes(code), false);
    assert.equal(entry.tries, 0);
    assert.equal(entry.expiresAt, '2026-11-27T09:05:00.000Z');
    seen.add(code);
  }
  assert.ok(seen.size > 190, 'codes are random');
  assert.notEqual(hashCode('123456'), hashCode('123456'), 'the same code hashes differently with each salt');
});

test('the right code is accepted until the 24 hours are up, then it has expired', () => {
  const { code, entry } = newCode(t0);
  assert.deepEqual(checkCode(entry, code, t0), { result: 'ok' });
  assert.deepEqual(checkCode(entry, code, later(CODE_TTL_MS - 1)), { result: 'ok' });
  assert.deepEqual(checkCode(entry, code, later(CODE_TTL_MS)), { result: 'expired' });
  assert.deepEqual(checkCode(entry, code, later(CODE_TTL_MS * 30)), { result: 'expired' });
});

test('spaces and dashes in a typed code are ignored; non-digits use no try', () => {
  const { code, entry } = newCode(t0);
  assert.deepEqual(checkCode(entry, `${code.slice(0, 3)} ${code.slice(3)}`, t0), { result: 'ok' });
  assert.deepEqual(checkCode(entry, `${code.slice(0, 3)}-${code.slice(3)}`, t0), { result: 'ok' });
  assert.deepEqual(checkCode(entry, '12345', t0), { result: 'malformed' });
  assert.deepEqual(checkCode(entry, 'abcdef', t0), { result: 'malformed' });
  assert.equal(normalizeCode(' 042 917 '), '042917');
});

test('four wrong codes count down; the fifth voids the code, even for the right one after it', () => {
  const { code, entry: first } = newCode(t0);
  const wrong = code === '000000' ? '000001' : '000000';
  let entry = first;
  for (let left = MAX_TRIES - 1; left >= 1; left--) {
    const check = checkCode(entry, wrong, t0);
    assert.ok(check.result === 'wrong', `try ${MAX_TRIES - left}: ${check.result}`);
    assert.equal(check.triesLeft, left);
    entry = check.entry;
  }
  const fifth = checkCode(entry, wrong, t0);
  assert.ok(fifth.result === 'too_many_tries', fifth.result);
  assert.equal(fifth.entry.tries, MAX_TRIES);
  assert.equal(checkCode(fifth.entry, code, t0).result, 'too_many_tries');
});

test('an unreadable stored entry counts as no code', () => {
  assert.equal(parseCodeEntry(null), null);
  assert.equal(parseCodeEntry('{not json'), null);
  assert.equal(parseCodeEntry('{"hash":"x"}'), null);
  const { entry } = newCode(t0);
  assert.deepEqual(parseCodeEntry(JSON.stringify(entry)), entry);
});

test('the code mail is a plain text RFC 5322 message that says what the code is for and how long it lasts', () => {
  const text = codeMessage({ from: 'relay-desk@office-pc.example', to: 'info@company.example', code: '042917', hostname: 'office-pc.example', now: t0 });
  const split = text.indexOf('\r\n\r\n');
  const head = text.slice(0, split);
  const body = text.slice(split + 4);
  assert.doesNotMatch(text.replace(/\r\n/g, ''), /[\r\n]/, 'every line ends with CRLF');
  const headers = new Map(head.split('\r\n').map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 2)]));
  assert.equal(headers.get('date'), 'Thu, 26 Nov 2026 09:05:00 +0000');
  assert.equal(headers.get('from'), 'Relay Desk <relay-desk@office-pc.example>');
  assert.equal(headers.get('to'), '<info@company.example>');
  assert.equal(headers.get('subject'), 'Your Relay Desk verification code');
  assert.match(headers.get('message-id') ?? '', /^<[0-9a-f]+\.\d+@office-pc\.example>$/);
  assert.equal(headers.get('mime-version'), '1.0');
  assert.equal(headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.equal(headers.get('auto-submitted'), 'auto-generated');
  assert.match(body, /^ {4}042917$/m);
  assert.match(body, /info@company\.example was added as a sender address/);
  assert.match(body, /valid for 24 hours \(until 27 Nov 2026 09:05 UTC\)/);
  for (const line of text.split('\r\n')) assert.ok(line.length <= 78, `line too long: ${line}`);
});

test('RFC 5322 dates', () => {
  assert.equal(rfc5322Date(new Date('2027-01-03T23:59:07Z')), 'Sun, 3 Jan 2027 23:59:07 +0000');
});
