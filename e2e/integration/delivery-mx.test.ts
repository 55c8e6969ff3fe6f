/**
 * Direct delivery against a real DNS server (dnsmasq) and real SMTP servers
 * (aiosmtpd) as MX hosts. The MX hosts share one port on different loopback
 * addresses, as real ones share port 25 on different machines.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { test } from 'node:test';
import { createDeliverer } from '../../relay/delivery/index.js';
import type { Deliverer } from '../../relay/delivery/types.js';
import { deliveryJob, sampleMessage } from '../fixtures/delivery-job.js';
import { startDns, type DnsRecords } from '../fixtures/dns.js';
import { freePort } from '../fixtures/ports.js';
import { testCertificate } from '../fixtures/tls.js';
import { startUpstream } from '../fixtures/upstream.js';

/** Loopback addresses for MX hosts; DEAD has nothing listening. */
const ALPHA = '127.0.0.2';
const BETA = '127.0.0.3';
const DEAD = '127.0.0.4';

async function mxPort(): Promise<number> {
  return freePort(20000, 30000, [ALPHA, BETA, DEAD]);
}

async function direct(
  t: TestContext,
  port: number,
  records: DnsRecords,
  options: { txt?: Record<string, string[]>; dnsServers?: string[] } = {},
): Promise<Deliverer> {
  const dns = await startDns(t, options.txt, records);
  const deliverer = createDeliverer(
    { mode: 'mx', dnsServers: options.dnsServers ?? [dns.server], port },
    { hostname: 'relay.office.example', dkim: [] },
  );
  t.after(() => deliverer.close());
  return deliverer;
}

test('recipients at two domains are each delivered to their own MX host, over STARTTLS where offered', async (t) => {
  const port = await mxPort();
  // The certificate names neither host: opportunistic TLS encrypts without verifying.
  const alpha = await startUpstream(t, { host: ALPHA, port, tls: await testCertificate(['unrelated.invalid'], []) });
  const beta = await startUpstream(t, { host: BETA, port });
  const deliverer = await direct(t, port, {
    mx: [
      { domain: 'alpha.test', target: 'mx.alpha.test', preference: 10 },
      { domain: 'beta.test', target: 'mx.beta.test', preference: 10 },
    ],
    hosts: { 'mx.alpha.test': [ALPHA], 'mx.beta.test': [BETA] },
  });

  const results = await deliverer.deliver(deliveryJob(['ann@alpha.test', 'bob@Beta.TEST', 'amy@ALPHA.test']));
  assert.deepEqual(
    results.map((r) => [r.recipient, r.status]),
    [
      ['ann@alpha.test', 'delivered'],
      ['bob@Beta.TEST', 'delivered'],
      ['amy@ALPHA.test', 'delivered'],
    ],
  );
  const [atAlpha] = await alpha.waitForMessages(1);
  assert.ok(atAlpha);
  const [atBeta] = await beta.waitForMessages(1);
  assert.ok(atBeta);
  assert.deepEqual(atAlpha.rcptTos, ['ann@alpha.test', 'amy@alpha.test']);
  assert.equal(atAlpha.tls, true);
  assert.ok(atAlpha.raw.equals(sampleMessage()));
  assert.deepEqual(atBeta.rcptTos, ['bob@beta.test']);
  assert.equal(atBeta.tls, false);
  assert.equal((await alpha.received()).length, 1);
  assert.equal((await beta.received()).length, 1);
});

test('the most preferred MX host gets the mail; when it is down, the next one does', async (t) => {
  const port = await mxPort();
  const alpha = await startUpstream(t, { host: ALPHA, port });
  const beta = await startUpstream(t, { host: BETA, port });
  const deliverer = await direct(t, port, {
    // dnsmasq answers these in the reverse of the order given, worst first: the order must come from the preferences.
    mx: [
      { domain: 'alive.test', target: 'mx.alpha.test', preference: 10 },
      { domain: 'alive.test', target: 'mx.beta.test', preference: 20 },
      { domain: 'primary-down.test', target: 'dead.test', preference: 10 },
      { domain: 'primary-down.test', target: 'mx.beta.test', preference: 20 },
    ],
    hosts: { 'mx.alpha.test': [ALPHA], 'mx.beta.test': [BETA], 'dead.test': [DEAD] },
  });

  const preferred = await deliverer.deliver(deliveryJob(['ann@alive.test']));
  assert.equal(preferred[0]?.status, 'delivered', preferred[0]?.response);
  assert.deepEqual((await alpha.waitForMessages(1)).map((m) => m.rcptTos), [['ann@alive.test']]);

  const fallback = await deliverer.deliver(deliveryJob(['bob@primary-down.test']));
  assert.equal(fallback[0]?.status, 'delivered', fallback[0]?.response);
  assert.deepEqual((await beta.waitForMessages(1)).map((m) => m.rcptTos), [['bob@primary-down.test']]);
  assert.equal((await alpha.received()).length, 1, 'nothing more went to the primary of the first domain');
});

test('when no MX host can be reached, the mail is deferred with each host named', async (t) => {
  const port = await mxPort();
  const deliverer = await direct(t, port, {
    mx: [{ domain: 'down.test', target: 'dead.test', preference: 10 }],
    hosts: { 'dead.test': [DEAD] },
  });
  const [result] = await deliverer.deliver(deliveryJob(['ann@down.test']));
  assert.ok(result);
  assert.equal(result.status, 'deferred');
  assert.match(result.response, new RegExp(`^No MX host of down\\.test took the message: MX host dead\\.test \\[127\\.0\\.0\\.4\\]: .*ECONNREFUSED`));
});

test('a domain without MX but with an address record gets its mail there (implicit MX)', async (t) => {
  const port = await mxPort();
  const alpha = await startUpstream(t, { host: ALPHA, port });
  const deliverer = await direct(t, port, { hosts: { 'implicit.test': [ALPHA] } });
  const [result] = await deliverer.deliver(deliveryJob(['ann@implicit.test']));
  assert.ok(result);
  assert.equal(result.status, 'delivered', result.response);
  assert.deepEqual((await alpha.waitForMessages(1)).map((m) => m.rcptTos), [['ann@implicit.test']]);
});

test('a domain that does not exist (NXDOMAIN) fails its recipients, and only those', async (t) => {
  const port = await mxPort();
  const alpha = await startUpstream(t, { host: ALPHA, port });
  const deliverer = await direct(t, port, {
    mx: [{ domain: 'alpha.test', target: 'mx.alpha.test', preference: 10 }],
    hosts: { 'mx.alpha.test': [ALPHA] },
  });
  const results = await deliverer.deliver(deliveryJob(['ann@alpha.test', 'bob@no-such-domain.test']));
  assert.deepEqual(
    results.map((r) => [r.recipient, r.status, r.response]),
    [
      ['ann@alpha.test', 'delivered', results[0]?.response],
      ['bob@no-such-domain.test', 'failed', '5.1.2 The domain no-such-domain.test does not exist (DNS: NXDOMAIN)'],
    ],
  );
  assert.deepEqual((await alpha.waitForMessages(1)).map((m) => m.rcptTos), [['ann@alpha.test']]);
});

test('a domain with a null MX (RFC 7505) fails its recipients without a connection attempt', async (t) => {
  const port = await mxPort();
  // The domain's address has a mail server: a relay that took the null MX for "no MX" would use it as the implicit MX.
  const alpha = await startUpstream(t, { host: ALPHA, port });
  const deliverer = await direct(t, port, {
    mx: [{ domain: 'nomail.test', target: '.', preference: 0 }],
    hosts: { 'nomail.test': [ALPHA] },
  });
  const [result] = await deliverer.deliver(deliveryJob(['ann@nomail.test']));
  assert.ok(result);
  assert.equal(result.status, 'failed');
  assert.equal(result.response, '5.1.10 The domain nomail.test accepts no mail: it publishes a null MX record (RFC 7505)');
  assert.deepEqual(await alpha.received(), []);
});

test('a domain with neither MX nor address records fails its recipients', async (t) => {
  const port = await mxPort();
  // The name exists (it has a TXT record), so DNS answers "no such record" rather than NXDOMAIN.
  const deliverer = await direct(t, port, {}, { txt: { 'txt-only.test': ['v=spf1 -all'] } });
  const [result] = await deliverer.deliver(deliveryJob(['ann@txt-only.test']));
  assert.ok(result);
  assert.equal(result.status, 'failed');
  assert.equal(result.response, '5.1.2 The domain txt-only.test has no MX, A or AAAA record to deliver to');
});

test('a DNS server that does not answer defers the mail instead of failing it', async (t) => {
  const port = await mxPort();
  const silent = `127.0.0.1:${await freePort(30001, 40000)}`;
  const deliverer = await direct(t, port, {}, { dnsServers: [silent] });
  const [result] = await deliverer.deliver(deliveryJob(['ann@alpha.test']));
  assert.ok(result);
  assert.equal(result.status, 'deferred');
  assert.match(result.response, /^4\.4\.3 Looking up the MX records of alpha\.test failed \(\w+\); will retry$/);
});
