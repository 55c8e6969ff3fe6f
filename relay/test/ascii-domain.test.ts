/** The delivery's domain form (A-labels, lower case), asked for again and again as every message is sent. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asciiDomain, dkimKeysFor, wireAddress } from '../delivery/send.js';
import type { DkimKey } from '../protocol.js';

test('a domain is spelled the same however often it is asked for, past the remembered thousand too', () => {
  for (let round = 0; round < 2; round++) {
    assert.equal(asciiDomain('Bücher.Example'), 'xn--bcher-kva.example');
    assert.equal(asciiDomain('OFFICE.example'), 'office.example');
    // Not a domain UTS #46 takes: lower-cased as it is.
    assert.equal(asciiDomain('A..B'), 'a..b');
  }
  for (let i = 0; i < 2500; i++) assert.equal(asciiDomain(`Host${i}.Example`), `host${i}.example`);
  assert.equal(asciiDomain('Bücher.Example'), 'xn--bcher-kva.example');
  assert.equal(wireAddress('Jörg@Bücher.Example'), 'Jörg@bücher.example');
});

test("a message gets the keys of its From domain, matched in A-label form", () => {
  const key = (domain: string): DkimKey => ({ domain, selector: 's1', privateKey: 'unused' });
  const keys = [key('bücher.example'), key('office.example'), key('BÜCHER.example')];
  const job = (fromDomain: string | null) => ({ id: 'T1', from: 'a@x', recipients: [], body: () => Buffer.alloc(0), fromDomain });
  assert.deepEqual(dkimKeysFor(job('xn--bcher-kva.example'), keys), [keys[0], keys[2]]);
  assert.deepEqual(dkimKeysFor(job('Office.Example'), keys), [keys[1]]);
  assert.deepEqual(dkimKeysFor(job(null), keys), []);
});
