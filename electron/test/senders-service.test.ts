/**
 * The senders service over a real settings store and vault in a temporary
 * folder (the keychain is a map here): what each change leaves behind in the
 * store, the vault and users' sender lists, and when the relay is told.
 * The whole flow through HTTP, real DNS and a real upstream is in
 * e2e/integration/api-senders.test.ts.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ApiError } from '../api/contract.js';
import type { HostContext, SystemMail } from '../host/context.js';
import { TokenKeeper } from '../host/oauth/token-keeper.js';
import type { SecretStore } from '../host/secrets.js';
import { addressStatus, domainStatus, sendersService, startAddressVerification } from '../host/services/senders.js';
import type { StoreData } from '../host/store/schema.js';
import { Store } from '../host/store/store.js';
import { testSettings } from './settings-fixture.js';
import { Vault } from '../host/vault.js';
import { vaultNames } from '../host/vault-names.js';

function initial(): StoreData {
  return testSettings({
    nextUserNumber: 1,
    // Direct delivery: codes go out from relay-desk@<host> unless an address is chosen (senders/code-from.ts).
    upstream: { mode: 'mx', port: 25 },
    server: {
      listenAddress: '127.0.0.1',
      listeners: [],
      tls: null,
      limits: { maxMessageBytes: 1024 * 1024, maxRecipients: 100, maxConnections: 10, maxConnectionsPerClient: 10, maxConnectionRatePerClient: 3000 },
    },
  });
}

function memoryKeychain(): SecretStore {
  const entries = new Map<string, string>();
  return {
    where: 'memory',
    get: (k) => Promise.resolve(entries.get(k) ?? null),
    set: (k, v) => {
      entries.set(k, v);
      return Promise.resolve();
    },
    delete: (k) => Promise.resolve(entries.delete(k)),
    all: () => Promise.resolve(new Map(entries)),
  };
}

interface Harness {
  ctx: HostContext;
  api: ReturnType<typeof sendersService>;
  mails: SystemMail[];
  relayChanges: () => number;
  /** The user names each per-user change sent to the relay. */
  usersChanges: string[][];
  /** Makes submitMail fail with this message, or work again with null. */
  failMail(message: string | null): void;
  setDnsServers(servers: string[]): void;
}

async function harness(t: TestContext): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'relay-desk-senders-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const store = await Store.open(dir, initial);
  const vault = await Vault.open(dir, memoryKeychain());
  const mails: SystemMail[] = [];
  let changes = 0;
  const usersChanges: string[][] = [];
  let failure: string | null = null;
  let dnsServers: string[] = [];
  const ctx: HostContext = {
    dataDir: dir,
    store,
    vault,
    // Never signed in: these tests use a password smarthost or none.
    oauth: new TokenKeeper({ settings: () => null, vault, tokensChanged: () => Promise.resolve() }),
    relayChanged: () => {
      changes++;
      return Promise.resolve();
    },
    usersChanged: (names) => {
      usersChanges.push(names);
      return Promise.resolve();
    },
    submitMail: (mail) => {
      if (failure) return Promise.reject(new Error(failure));
      mails.push(mail);
      return Promise.resolve(`q${mails.length}`);
    },
    dnsServers: () => dnsServers,
    hostname: () => 'office-pc.example',
  };
  return {
    ctx,
    api: sendersService(ctx),
    mails,
    relayChanges: () => changes,
    usersChanges,
    failMail: (m) => (failure = m),
    setDnsServers: (s) => (dnsServers = s),
  };
}

function codeIn(mail: SystemMail | undefined): string {
  const code = /^ {4}(\d{6})$/m.exec(mail?.content ?? '')?.[1];
  assert.ok(code, `no code in ${mail?.content ?? 'no mail'}`);
  return code;
}

function rejectsWith(code: string, message?: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    return true;
  };
}

test('with direct delivery an address gets a code by mail from relay-desk@<host>; the code verifies it once', async (t) => {
  const h = await harness(t);
  const added = await h.api['senders.addAddress']({ address: 'Info@Company.example' });
  assert.equal(added.address, 'info@company.example');
  assert.equal(added.status, 'pending');
  assert.ok(added.codeSentAt);
  assert.equal(h.mails.length, 1);
  const [mail] = h.mails;
  assert.ok(mail);
  assert.equal(mail.from, 'relay-desk@office-pc.example');
  assert.deepEqual(mail.to, ['info@company.example']);
  assert.ok(h.ctx.vault.get(vaultNames.addressCode('info@company.example')));
  assert.equal(h.relayChanges(), 0, 'a pending address changes nothing for the relay');

  const verified = await h.api['senders.confirmAddress']({ address: 'info@company.example', code: codeIn(h.mails[0]) });
  assert.equal(verified.status, 'verified');
  assert.equal(verified.method, 'email-code');
  assert.ok(verified.verifiedAt);
  assert.equal(h.ctx.vault.get(vaultNames.addressCode('info@company.example')), null, 'the code is gone once used');
  assert.equal(h.relayChanges(), 0, 'an address carries no DKIM key: the whole configuration is not sent again');
  assert.deepEqual(h.usersChanges, [[]], 'no user is authorized for it yet');
  await assert.rejects(h.api['senders.confirmAddress']({ address: 'info@company.example', code: codeIn(h.mails[0]) }), rejectsWith('already_verified'));
  await assert.rejects(h.api['senders.resendCode']({ address: 'info@company.example' }), rejectsWith('already_verified'));
});

test('when the code cannot be mailed the address stays pending, and a later resend works', async (t) => {
  const h = await harness(t);
  h.failMail('the relay is not running');
  await assert.rejects(
    h.api['senders.addAddress']({ address: 'info@company.example' }),
    rejectsWith('mail_failed', /could not be sent to info@company\.example: the relay is not running\. The address stays pending/),
  );
  const { addresses } = await h.api['senders.list']({});
  assert.deepEqual(
    addresses.map((a) => [a.address, a.status, a.codeSentAt]),
    [['info@company.example', 'pending', null]],
  );
  await assert.rejects(h.api['senders.confirmAddress']({ address: 'info@company.example', code: '123456' }), rejectsWith('no_code'));

  h.failMail(null);
  await h.api['senders.resendCode']({ address: 'info@company.example' });
  const first = codeIn(h.mails[0]);
  // A failed resend leaves the code already sent working.
  h.failMail('no upstream');
  await assert.rejects(h.api['senders.resendCode']({ address: 'info@company.example' }), rejectsWith('mail_failed'));
  const done = await h.api['senders.confirmAddress']({ address: 'info@company.example', code: first });
  assert.equal(done.status, 'verified');
});

test('removing a domain removes its DKIM key and takes it off every user', async (t) => {
  const h = await harness(t);
  const now = new Date().toISOString();
  await h.ctx.store.update((d, users) => {
    d.senders.domains.push({
      domain: 'company.example',
      token: 't',
      status: 'verified',
      addedAt: now,
      verifiedAt: now,
      method: 'dns-txt',
      dkimSelector: 'relaydesk',
      dkimPublicKey: 'KEY',
      dkimEd25519: null,
      lastCheck: null,
    });
    for (const [i, domains] of [['company.example', 'other.example'], ['Company.Example'], ['other.example']].entries()) {
      users.put({
        name: `s123456_${i}`,
        list: 'SMTP+',
        active: true,
        priority: 3,
        note: '',
        domains,
        addresses: [],
        trustedClients: [],
        rateLimitPerHour: null,
        createdAt: now,
        updatedAt: now,
      });
    }
  });
  await h.ctx.vault.change((e) => e.set(vaultNames.dkimKey('company.example'), 'PEM'));
  assert.equal(domainStatus(h.ctx.store.data, 'Company.Example.'), 'verified');

  assert.deepEqual(await h.api['senders.removeDomain']({ domain: 'COMPANY.example' }), { removed: 'company.example' });
  assert.equal(h.ctx.vault.get(vaultNames.dkimKey('company.example')), null);
  assert.deepEqual(
    [...h.ctx.store.users.values()].map((u) => u.domains),
    [['other.example'], [], ['other.example']],
  );
  assert.equal(domainStatus(h.ctx.store.data, 'company.example'), 'missing');
  assert.equal(h.relayChanges(), 1);
  await assert.rejects(h.api['senders.removeDomain']({ domain: 'company.example' }), rejectsWith('not_found', /company\.example is not among the sender domains/));
});

test('removing an address removes its code and takes it off every user; just those users are sent to the relay', async (t) => {
  const h = await harness(t);
  await h.api['senders.addAddress']({ address: 'info@company.example' });
  const now = new Date().toISOString();
  await h.ctx.store.update((_, users) => {
    for (const [name, addresses] of [['s123456_0', ['INFO@company.example', 'sales@company.example']], ['s123456_1', ['sales@company.example']]] as const) {
      users.put({
        name,
        list: 'SMTP+',
        active: true,
        priority: 3,
        note: '',
        domains: [],
        addresses: [...addresses],
        trustedClients: [],
        rateLimitPerHour: null,
        createdAt: now,
        updatedAt: now,
      });
    }
  });
  await h.api['senders.removeAddress']({ address: 'info@company.example' });
  assert.equal(h.ctx.vault.get(vaultNames.addressCode('info@company.example')), null);
  assert.deepEqual(h.ctx.store.users.get('s123456_0')?.addresses, ['sales@company.example']);
  assert.deepEqual(h.ctx.store.users.get('s123456_1')?.addresses, ['sales@company.example']);
  assert.deepEqual(h.usersChanges, [['s123456_0']]);
  assert.equal(h.relayChanges(), 0);
  await assert.rejects(h.api['senders.confirmAddress']({ address: 'info@company.example', code: codeIn(h.mails[0]) }), rejectsWith('not_found'));
});

test('startAddressVerification adds and mails a new address once; addressStatus reports it', async (t) => {
  const h = await harness(t);
  assert.equal(addressStatus(h.ctx.store.data, 'info@company.example'), 'missing');
  await startAddressVerification(h.ctx, 'Info@Company.example');
  await startAddressVerification(h.ctx, 'info@company.example');
  assert.equal(h.mails.length, 1, 'a known address gets no second code');
  assert.equal(addressStatus(h.ctx.store.data, 'INFO@company.example'), 'pending');
  await assert.rejects(startAddressVerification(h.ctx, 'not-an-address'), rejectsWith('invalid_address'));
});

test('concurrent adds of one domain: exactly one wins', async (t) => {
  const h = await harness(t);
  const results = await Promise.allSettled([1, 2, 3, 4].map(() => h.api['senders.addDomain']({ domain: 'company.example' })));
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  for (const r of results) if (r.status === 'rejected') rejectsWith('already_exists')(r.reason);
  assert.equal(h.ctx.store.data.senders.domains.length, 1);
});

test('a DNS server that does not answer leaves the domain pending and says so', async (t) => {
  const h = await harness(t);
  // A UDP port that was free a moment ago: nothing answers there, and the lookup is refused at once.
  const socket = createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const { port } = socket.address();
  socket.close();
  h.setDnsServers([`127.0.0.1:${port}`]);
  await h.api['senders.addDomain']({ domain: 'company.example' });
  const result = await h.api['senders.checkDomain']({ domain: 'company.example' });
  assert.equal(result.verified, false);
  assert.match(result.reason, /^The DNS server did not answer; try again\./);
  assert.equal(result.domain.status, 'pending');
  assert.equal(result.domain.lastCheck?.result, result.reason);
  assert.equal(h.relayChanges(), 0);
});

/** A domain as senders.checkDomain leaves it once its record was found. */
async function addVerifiedDomain(h: Harness, domain: string): Promise<void> {
  const now = new Date().toISOString();
  await h.ctx.store.update((d) => {
    d.senders.domains.push({ domain, token: 't', status: 'verified', addedAt: now, verifiedAt: now, method: 'dns-txt', dkimSelector: 'relaydesk', dkimPublicKey: 'KEY', dkimEd25519: null, lastCheck: null });
  });
}

test('an address at a verified domain or a subdomain of one is covered: added without a code, and no code is sent for it', async (t) => {
  const h = await harness(t);
  await addVerifiedDomain(h, 'company.example');
  assert.deepEqual(await startAddressVerification(h.ctx, 'Anna@Company.example'), { result: 'covered', domain: 'company.example' });
  assert.deepEqual(await startAddressVerification(h.ctx, 'anna@company.example'), { result: 'known' });
  const added = await h.api['senders.addAddress']({ address: 'news@marketing.company.example' });
  assert.deepEqual([added.status, added.coveredBy, added.codeSentAt, added.method], ['covered', 'company.example', null, null]);
  assert.equal(h.mails.length, 0, 'no code mail');
  assert.equal(addressStatus(h.ctx.store.data, 'anna@company.example'), 'covered');
  await assert.rejects(
    h.api['senders.resendCode']({ address: 'anna@company.example' }),
    rejectsWith('covered_by_domain', /^anna@company\.example needs no code: it is covered by the verified domain company\.example\.$/),
  );
  await assert.rejects(h.api['senders.addAddress']({ address: 'anna@company.example' }), rejectsWith('already_exists', /\(covered by the verified domain company\.example\)/));

  // Look-alikes are not covered: they get a code.
  assert.deepEqual(await startAddressVerification(h.ctx, 'anna@evil-company.example'), { result: 'mailed' });
  assert.equal(addressStatus(h.ctx.store.data, 'anna@evil-company.example'), 'pending');
  assert.deepEqual(h.mails.map((m) => m.to), [['anna@evil-company.example']]);
});

test('once its domain is removed, a covered address is pending with no code sent; an address verified by its own code stays verified', async (t) => {
  const h = await harness(t);
  await h.api['senders.addAddress']({ address: 'info@company.example' });
  await h.api['senders.confirmAddress']({ address: 'info@company.example', code: codeIn(h.mails[0]) });
  await addVerifiedDomain(h, 'company.example');
  await startAddressVerification(h.ctx, 'anna@company.example');
  const covered = await h.api['senders.list']({});
  assert.deepEqual(
    covered.addresses.map((a) => [a.address, a.status, a.coveredBy]),
    [['anna@company.example', 'covered', 'company.example'], ['info@company.example', 'verified', null]],
  );

  await h.api['senders.removeDomain']({ domain: 'company.example' });
  const after = await h.api['senders.list']({});
  assert.deepEqual(
    after.addresses.map((a) => [a.address, a.status, a.coveredBy, a.codeSentAt]),
    [['anna@company.example', 'pending', null, null], ['info@company.example', 'verified', null, after.addresses[1]?.codeSentAt]],
  );
  assert.equal(addressStatus(h.ctx.store.data, 'anna@company.example'), 'pending');
  // It now needs its own code, which can be sent.
  await h.api['senders.resendCode']({ address: 'anna@company.example' });
  assert.deepEqual(h.mails.at(-1)?.to, ['anna@company.example']);
});

test('codes are mailed from: the smarthost account\'s address, this machine\'s name only with direct delivery, else nothing until one is chosen', async (t) => {
  const h = await harness(t);
  const setUpstream = (upstream: StoreData['upstream']) => h.ctx.store.update((d) => void (d.upstream = upstream));
  const codeFrom = async () => (await h.api['senders.list']({})).codeFrom;
  assert.deepEqual(await codeFrom(), { chosen: null, from: 'relay-desk@office-pc.example', source: 'machine-name', problem: null });

  const smarthost = { mode: 'smarthost', host: 'smtp.example', port: 587, security: 'starttls', rejectUnauthorized: true, oauth: null } as const;
  await setUpstream({ ...smarthost, user: 'Relay@Company.example' });
  assert.deepEqual(await codeFrom(), { chosen: null, from: 'relay@company.example', source: 'smarthost-account', problem: null });
  await h.api['senders.addAddress']({ address: 'info@company.example' });
  assert.equal(h.mails.at(-1)?.from, 'relay@company.example');
  assert.match(h.mails.at(-1)?.content ?? '', /^From: Relay Desk <relay@company\.example>\r$/m);

  // An account that is no address (an old-style login name), or none: no code goes out until the admin chooses.
  for (const user of ['relayuser', null]) {
    await setUpstream({ ...smarthost, user });
    const view = await codeFrom();
    assert.deepEqual([view.from, view.source], [null, null]);
    assert.equal(view.problem?.code, 'no_address');
    assert.match(view.problem.message, /^No address is chosen to mail codes from, and the smarthost logs in with no account address to use instead: verify your domain under Senders/);
    await assert.rejects(
      h.api['senders.resendCode']({ address: 'info@company.example' }),
      rejectsWith('mail_failed', /could not be sent to info@company\.example: no address is chosen to mail codes from/),
    );
  }
  await setUpstream({ mode: 'none' });
  assert.deepEqual((await codeFrom()).problem, { code: 'no_upstream', message: 'No upstream is set: choose a smarthost or direct delivery under Server first.' });
  assert.deepEqual(await startAddressVerification(h.ctx, 'sales@company.example'), {
    result: 'not-mailed',
    reason: 'no upstream is set: choose a smarthost or direct delivery under Server first',
  });
});

test('the address codes are mailed from may be chosen among verified senders and the smarthost account; it stops working when it stops being one', async (t) => {
  const h = await harness(t);
  await h.ctx.store.update((d) => void (d.upstream = { mode: 'smarthost', host: 'smtp.example', port: 587, security: 'starttls', user: 'relay@isp.example', rejectUnauthorized: true, oauth: null }));
  await assert.rejects(
    h.api['senders.setCodeFrom']({ address: 'it@company.example' }),
    rejectsWith('code_from_not_verified', /^it@company\.example is not a verified sender: verify it \(or its domain\) under Senders first, or choose the smarthost account relay@isp\.example\.$/),
  );
  await assert.rejects(h.api['senders.setCodeFrom']({ address: 'not an address' }), rejectsWith('invalid_address'));
  assert.deepEqual(await h.api['senders.setCodeFrom']({ address: 'RELAY@isp.example' }), {
    chosen: 'relay@isp.example',
    from: 'relay@isp.example',
    source: 'chosen',
    problem: null,
  });

  await addVerifiedDomain(h, 'company.example');
  assert.deepEqual(await h.api['senders.setCodeFrom']({ address: 'IT@company.example' }), { chosen: 'it@company.example', from: 'it@company.example', source: 'chosen', problem: null });
  await h.api['senders.addAddress']({ address: 'billing@shop.example' });
  assert.equal(h.mails.at(-1)?.from, 'it@company.example');
  assert.equal(h.ctx.store.data.senders.codeFrom, 'it@company.example', 'kept in the settings');

  await h.api['senders.removeDomain']({ domain: 'company.example' });
  const stale = (await h.api['senders.list']({})).codeFrom;
  assert.deepEqual([stale.chosen, stale.from], ['it@company.example', null]);
  assert.deepEqual(stale.problem, {
    code: 'chosen_not_verified',
    message: 'Codes are to be mailed from it@company.example, which is no longer a verified sender: choose another address to mail them from.',
  });
  await assert.rejects(h.api['senders.resendCode']({ address: 'billing@shop.example' }), rejectsWith('mail_failed', /no longer a verified sender/));

  assert.deepEqual(await h.api['senders.setCodeFrom']({ address: null }), { chosen: null, from: 'relay@isp.example', source: 'smarthost-account', problem: null });
});
