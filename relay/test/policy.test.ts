import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RelayUser, Sender } from '../protocol.js';
import { checkSender, describeSenderRefusal, normalizeDomain, splitAddress, TrustedClients } from '../shared/sender-policy.js';

function user(senders: Sender[], over: Partial<RelayUser> = {}): RelayUser {
  return {
    name: 'scanner',
    active: true,
    verifier: 'scrypt$15$8$1$c2FsdA==$aGFzaA==',
    priority: 3,
    list: 'default',
    senders,
    trustedClients: [],
    rateLimitPerHour: null,
    ...over,
  };
}

const domain = (value: string, verified = true): Sender => ({ kind: 'domain', value, verified });
const address = (value: string, verified = true): Sender => ({ kind: 'address', value, verified });

const ok = { ok: true };
const notAuthorized = { ok: false, reason: 'not-authorized' };
const notVerified = { ok: false, reason: 'not-verified' };
const invalid = { ok: false, reason: 'invalid' };

/** The decision alone, without which sender made it (tested on its own below). */
function decide(address: string, u: RelayUser): { ok: boolean; reason?: string } {
  const verdict = checkSender(address, u);
  return verdict.ok ? ok : { ok: false, reason: verdict.reason };
}

test('a verified domain authorizes its own addresses and those of its subdomains at any depth', () => {
  const u = user([domain('company.com')]);
  for (const a of ['info@company.com', 'info@marketing.company.com', 'scan@eu.marketing.company.com', 'x@company.com.']) {
    assert.deepEqual(decide(a, u), ok, a);
  }
});

test('look-alike domains are not covered by an authorized domain', () => {
  const u = user([domain('company.com')]);
  for (const a of ['ceo@evil-company.com', 'ceo@company.com.evil.net', 'ceo@xcompany.com', 'ceo@company.co', 'ceo@company.comx', 'ceo@com', 'ceo@ompany.com']) {
    assert.deepEqual(decide(a, u), notAuthorized, a);
  }
});

test('an authorized subdomain does not cover its parent or sibling domains', () => {
  const u = user([domain('marketing.company.com')]);
  assert.deepEqual(decide('a@eu.marketing.company.com', u), ok);
  assert.deepEqual(decide('a@company.com', u), notAuthorized);
  assert.deepEqual(decide('a@sales.company.com', u), notAuthorized);
});

test('domains compare without regard to case, on either side', () => {
  assert.deepEqual(decide('Info@MARKETING.Company.COM', user([domain('company.com')])), ok);
  assert.deepEqual(decide('info@company.com', user([domain('Company.COM')])), ok);
});

test('an IDN domain authorizes both its Unicode and its punycode spelling, whichever was authorized', () => {
  const unicode = user([domain('bücher.example')]);
  const puny = user([domain('xn--bcher-kva.example')]);
  for (const u of [unicode, puny]) {
    assert.deepEqual(decide('info@bücher.example', u), ok);
    assert.deepEqual(decide('info@xn--bcher-kva.example', u), ok);
    assert.deepEqual(decide('info@shop.BÜCHER.example', u), ok);
    assert.deepEqual(decide('info@bucher.example', u), notAuthorized, 'the ASCII look-alike is another domain');
  }
  assert.equal(normalizeDomain(' Bücher.Example. '), 'xn--bcher-kva.example');
});

test('an unverified domain or address is refused as not verified, not as not authorized', () => {
  assert.deepEqual(decide('info@company.com', user([domain('company.com', false)])), notVerified);
  assert.deepEqual(decide('info@sub.company.com', user([domain('company.com', false)])), notVerified);
  assert.deepEqual(decide('info@company.com', user([address('info@company.com', false)])), notVerified);
  assert.deepEqual(decide('other@company.com', user([address('info@company.com', false)])), notAuthorized);
});

test('a verified entry wins over an unverified one that also matches', () => {
  const u = user([domain('company.com', false), address('info@company.com')]);
  assert.deepEqual(decide('info@company.com', u), ok);
  assert.deepEqual(decide('sales@company.com', u), notVerified);
});

test('the verdict names the sender that decided: the verified one, or the unverified ones that would have', () => {
  const u = user([domain('company.com', false), address('Info@Company.com'), domain('other.example')]);
  assert.deepEqual(checkSender('INFO@company.com', u), { ok: true, by: { kind: 'address', value: 'info@company.com', verified: true } });
  assert.deepEqual(checkSender('a@sales.other.example', u), { ok: true, by: { kind: 'domain', value: 'other.example', verified: true } });
  assert.deepEqual(checkSender('sales@company.com', u), {
    ok: false,
    reason: 'not-verified',
    pending: [{ kind: 'domain', value: 'company.com', verified: false }],
  });
});

test('an authorized address matches only itself, without regard to case', () => {
  const u = user([address('info@company.com')]);
  assert.deepEqual(decide('info@company.com', u), ok);
  assert.deepEqual(decide('INFO@Company.Com', u), ok);
  for (const a of ['info2@company.com', 'info@sub.company.com', 'x.info@company.com', 'info@company.co', 'sales@company.com']) {
    assert.deepEqual(decide(a, u), notAuthorized, a);
  }
});

test('a user changed as the relay gets every change (a new object) is checked against its new senders', () => {
  const before = user([domain('company.com', false), address('Boss@Other.example')]);
  assert.deepEqual(decide('info@company.com', before), notVerified);
  assert.deepEqual(decide('boss@other.example', before), ok);
  const after = { ...before, senders: [domain('company.com')] };
  assert.deepEqual(decide('info@company.com', after), ok);
  assert.deepEqual(decide('boss@other.example', after), notAuthorized);
  assert.deepEqual(decide('info@company.com', before), notVerified, 'the old object still answers as before');
});

test('an address the policy cannot read is invalid, and a user with no senders authorizes nothing', () => {
  const u = user([domain('company.com')]);
  for (const a of ['', 'company.com', '@company.com', 'info@', 'info@ ', 'info@.']) {
    assert.deepEqual(decide(a, u), invalid, JSON.stringify(a));
  }
  assert.deepEqual(decide('info@company.com', user([])), notAuthorized);
});

test('splitAddress splits at the last @ and normalizes only the domain', () => {
  assert.deepEqual(splitAddress('John.Doe@Company.COM'), { local: 'John.Doe', domain: 'company.com' });
  assert.deepEqual(splitAddress('"a@b"@company.com'), { local: '"a@b"', domain: 'company.com' });
  assert.deepEqual(splitAddress('x@bücher.example'), { local: 'x', domain: 'xn--bcher-kva.example' });
  assert.equal(splitAddress('no-at-sign'), null);
  assert.equal(splitAddress('@company.com'), null);
  assert.equal(splitAddress('x@'), null);
});

test('each refusal reason is explained with the address, the user and what to do', () => {
  assert.equal(describeSenderRefusal('Sender', 'a@b', 'scanner', 'invalid'), 'Sender <a@b> is not a valid address');
  const unverified = describeSenderRefusal('From', 'info@company.com', 'scanner', 'not-verified');
  assert.match(unverified, /^From <info@company\.com> is authorized for SMTP user scanner but not verified yet/);
  assert.match(unverified, /verify it in Relay Desk under Senders/);
  const unauthorized = describeSenderRefusal('MAIL FROM', 'ceo@evil.example', 'scanner', 'not-authorized');
  assert.match(unauthorized, /^MAIL FROM <ceo@evil\.example> is not authorized for SMTP user scanner/);
  assert.match(unauthorized, /add its domain/);
});

test('trusted clients: a single IPv4 or IPv6 address matches only itself', () => {
  const clients = new TrustedClients([user([], { name: 'printer', trustedClients: ['192.168.1.20', '2001:db8::20'] })]);
  assert.equal(clients.userFor('192.168.1.20'), 'printer');
  assert.equal(clients.userFor('2001:db8::20'), 'printer');
  assert.equal(clients.userFor('2001:0db8:0000::0020'), 'printer', 'any spelling of the same IPv6 address');
  assert.equal(clients.userFor('192.168.1.21'), null);
  assert.equal(clients.userFor('2001:db8::21'), null);
});

test('trusted clients: IPv4 and IPv6 CIDR ranges match their members only', () => {
  const clients = new TrustedClients([user([], { name: 'office', trustedClients: ['10.1.0.0/16', 'fd00:1234::/32'] })]);
  assert.equal(clients.userFor('10.1.0.1'), 'office');
  assert.equal(clients.userFor('10.1.255.254'), 'office');
  assert.equal(clients.userFor('10.2.0.1'), null);
  assert.equal(clients.userFor('fd00:1234:ffff::9'), 'office');
  assert.equal(clients.userFor('fd00:1235::9'), null);
});

test('trusted clients: an IPv4-mapped IPv6 client address (dual-stack listener) matches its IPv4 entry', () => {
  const clients = new TrustedClients([user([], { name: 'scanner', trustedClients: ['10.1.2.3', '172.16.0.0/12'] })]);
  assert.equal(clients.userFor('::ffff:10.1.2.3'), 'scanner');
  assert.equal(clients.userFor('::ffff:172.20.1.1'), 'scanner');
  assert.equal(clients.userFor('::ffff:10.1.2.4'), null);
  // The IPv4 address in IPv6 notation is not an IPv4-compatible look-alike such as ::10.1.2.3.
  assert.equal(clients.userFor('::a01:203'), null);
});

test('trusted clients: a bad entry is ignored, the good entries of the same user still work', () => {
  const clients = new TrustedClients([user([], { name: 'printer', trustedClients: ['not-an-ip', '10.0.0.0/99', '300.1.1.1', '10.9.9.9'] })]);
  assert.equal(clients.userFor('10.9.9.9'), 'printer');
  assert.equal(clients.userFor('10.0.0.1'), null);
  assert.equal(clients.userFor('not-an-ip'), null);
  assert.equal(clients.userFor(''), null);
});

test('trusted clients: the first user whose entries match wins; users without entries never match', () => {
  const clients = new TrustedClients([
    user([], { name: 'nobody', trustedClients: [] }),
    user([], { name: 'first', trustedClients: ['10.0.0.0/8'] }),
    user([], { name: 'second', trustedClients: ['10.1.2.3'] }),
  ]);
  assert.equal(clients.userFor('10.1.2.3'), 'first');
  assert.equal(new TrustedClients([user([], { name: 'second', trustedClients: ['10.1.2.3'] }), user([], { name: 'first', trustedClients: ['10.0.0.0/8'] })]).userFor('10.1.2.3'), 'second');
  assert.equal(new TrustedClients([]).userFor('10.1.2.3'), null);
});

test('an authorized address at an IDN domain matches in its Unicode and its punycode spelling', () => {
  const u: RelayUser = {
    name: 'shop',
    active: true,
    verifier: 'scrypt$15$8$1$c2FsdA==$aGFzaA==',
    priority: 3,
    list: 'default',
    senders: [{ kind: 'address', value: 'info@bücher.example', verified: true }],
    trustedClients: [],
    rateLimitPerHour: null,
  };
  assert.deepEqual(decide('info@bücher.example', u), { ok: true });
  assert.deepEqual(decide('info@xn--bcher-kva.example', u), { ok: true });
  assert.deepEqual(decide('other@bücher.example', u), { ok: false, reason: 'not-authorized' });
});

test('trusted clients changed one by one answer as a full configuration with the same users would', () => {
  const third = user([], { name: 'third', trustedClients: ['10.0.0.0/8'] });
  const fourth = user([], { name: 'fourth', trustedClients: ['192.168.7.7'] });
  const clients = new TrustedClients([user([], { name: 'first', trustedClients: [] }), user([], { name: 'second', trustedClients: ['10.1.2.3'] }), third]);
  assert.equal(clients.userFor('10.1.2.3'), 'second', 'asked before the change: the answer is remembered until users change');
  // 'first' gains a device range: it keeps its place ahead of the others, as in a full configuration.
  const first = user([], { name: 'first', trustedClients: ['10.1.0.0/16'] });
  clients.update([first, fourth], ['second']);
  const full = new TrustedClients([first, third, fourth]);
  for (const address of ['10.1.2.3', '10.9.9.9', '192.168.7.7', '172.16.0.1']) assert.equal(clients.userFor(address), full.userFor(address), address);
  assert.equal(clients.userFor('10.1.2.3'), 'first');
  assert.equal(clients.userFor('192.168.7.7'), 'fourth');
  clients.update([], ['first', 'third', 'fourth']);
  assert.equal(clients.userFor('10.1.2.3'), null);
});
