/**
 * Sender domains and addresses as admins type them: normalized to the one
 * form the relay compares, and refused with the offending text and a hint.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../api/contract.js';
import { checkAddress, checkDomainName, parseAddress, parseDomain, sameAddress, sameDomain } from '../host/services/senders/names.js';

test('domains are trimmed, lower-cased, lose a trailing dot and IDNs become ASCII', () => {
  assert.equal(parseDomain('  Company.COM. ', true), 'company.com');
  assert.equal(parseDomain('marketing.company.com', true), 'marketing.company.com');
  assert.equal(parseDomain('a.b.c.company.co.uk', true), 'a.b.c.company.co.uk');
  assert.equal(parseDomain('Bücher.example', true), 'xn--bcher-kva.example');
  assert.equal(parseDomain('xn--bcher-kva.example', true), 'xn--bcher-kva.example');
});

test('what is not a domain is refused, naming it, with a hint where one helps', () => {
  const refusal = (input: string, forNew = true) => {
    const r = checkDomainName(input, forNew);
    assert.ok(!r.ok, `${input} was taken as ${r.ok ? r.domain : ''}`);
    return r.message;
  };
  assert.equal(refusal('www.company.com'), '"www.company.com" is a web server\'s name; enter the domain itself, e.g. company.com.');
  assert.match(refusal('WWW.Marketing.Company.com'), /enter the domain itself, e\.g\. marketing\.company\.com\./);
  assert.equal(checkDomainName('www.company.com', false).ok, true, 'an existing www. entry can still be looked up');
  assert.equal(checkDomainName('www.com', true).ok, true, 'a domain that merely starts with www is a domain');
  assert.equal(refusal('company'), '"company" is not a complete domain name; enter it with its ending, e.g. company.com.');
  assert.equal(refusal('not a domain'), '"not a domain" is not a valid domain name: it contains a space.');
  assert.equal(refusal('company.com;other.com'), '"company.com;other.com" holds several entries; add one domain at a time.');
  assert.match(refusal('company.com,other.com'), /holds several entries/);
  assert.match(refusal('info@company.com'), /is an email address; enter only the domain after the @/);
  assert.match(refusal('https://company.com/'), /is a web address; enter the domain itself/);
  assert.match(refusal('192.168.1.10'), /is an IP address/);
  for (const bad of ['-company.com', 'company-.com', 'comp_any.com', 'company..com', '.company.com', `${'a'.repeat(64)}.com`, `${'a.'.repeat(127)}com`, '']) {
    refusal(bad);
  }
  assert.match(refusal(''), /Enter a domain name/);
});

test('parseDomain throws the API error a form shows beside the field', () => {
  assert.throws(
    () => parseDomain('www.company.com', true),
    (err: unknown) => err instanceof ApiError && err.code === 'invalid_domain' && err.field === 'domain' && /company\.com/.test(err.message),
  );
});

test('addresses are lower-cased with their domain in ASCII', () => {
  assert.equal(parseAddress(' Info@Company.COM '), 'info@company.com');
  assert.equal(parseAddress('first.last+tag@marketing.company.com'), 'first.last+tag@marketing.company.com');
  assert.equal(parseAddress('sales@bücher.example'), 'sales@xn--bcher-kva.example');
  assert.equal(parseAddress('info@www.company.com'), 'info@www.company.com', 'a www. host may have mailboxes');
});

test('what is not an address is refused, naming it', () => {
  const refusal = (input: string) => {
    const r = checkAddress(input);
    assert.ok(!r.ok, `${input} was taken as ${r.ok ? r.address : ''}`);
    return r.message;
  };
  assert.match(refusal('company.com'), /"company\.com" is not a valid email address: it needs exactly one @/);
  assert.match(refusal('a@b@company.com'), /exactly one @/);
  assert.match(refusal('@company.com'), /nothing comes before the @/);
  assert.match(refusal('info @company.com'), /contains a space/);
  assert.match(refusal('info@company'), /the part after the @ \("company"\) is not a valid domain name/);
  assert.match(refusal('a@x.com;b@x.com'), /add one address at a time/);
  assert.match(refusal('a@x.com, b@x.com'), /add one address at a time/);
  assert.match(refusal('.info@company.com'), /the part before the @/);
  assert.match(refusal('in..fo@company.com'), /the part before the @/);
  assert.match(refusal('"quoted"@company.com'), /the part before the @/);
  assert.throws(() => parseAddress('nope'), (err: unknown) => err instanceof ApiError && err.code === 'invalid_address' && err.field === 'address');
});

test('stored entries compare in normal form', () => {
  assert.equal(sameDomain('Company.com.', 'company.com'), true);
  assert.equal(sameDomain('bücher.example', 'xn--bcher-kva.example'), true);
  assert.equal(sameDomain('company.com', 'evil-company.com'), false);
  assert.equal(sameAddress('Info@Company.com', 'info@company.com'), true);
  assert.equal(sameAddress('info@company.com', 'info2@company.com'), false);
});
