/**
 * The upstream check against real servers: an aiosmtpd smarthost that takes
 * the login and the sender, one that refuses the login (535), one that is
 * down (a closed port), and direct delivery to a domain's MX host found
 * through dnsmasq. Through the API, doctor.run and `relay-desk doctor`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiError, ok } from '../fixtures/api.js';
import { cli } from '../fixtures/cli.js';
import { startDns } from '../fixtures/dns.js';
import { freePort } from '../fixtures/ports.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';
import { testCertificate } from '../fixtures/tls.js';
import { startUpstream } from '../fixtures/upstream.js';

const ACCOUNT = { user: 'office@provider.test', password: 'upstream-secret-7' };

test('a smarthost that takes the login and the sender is ok, with its replies word for word; nothing is sent', async (t) => {
  const upstream = await startUpstream(t, { tls: await testCertificate(['localhost'], ['127.0.0.1']), auth: ACCOUNT });
  const relay = await startRelayDesk(t);
  await ok(relay, 'upstream.setSmarthost', { host: upstream.host, port: upstream.port, security: 'starttls', user: ACCOUNT.user, password: ACCOUNT.password, rejectUnauthorized: false });

  const check = await ok(relay, 'doctor.upstream', {});
  assert.equal(check.status, 'ok', JSON.stringify(check));
  assert.equal(check.summary, `${upstream.host}:${upstream.port} accepts mail from ${ACCOUNT.user} (connected over TLS, logged in as ${ACCOUNT.user}; nothing was sent).`);
  const steps = ['< 220 ', '> EHLO ', '< 250-', '> STARTTLS', '< 220 ', '> EHLO ', '< 250-', '> AUTH PLAIN ****', '< 235 2.7.0 ', `> MAIL FROM:<${ACCOUNT.user}>`, '< 250 OK', '> RSET', '< 250 OK', '> QUIT', '< 221 Bye'];
  assert.equal(check.details.length, steps.length, check.details.join(' / '));
  steps.forEach((step, i) => assert.ok(check.details[i]?.startsWith(step), `${check.details[i] ?? ''} starts with ${step}`));
  assert.ok(!JSON.stringify(check).includes(ACCOUNT.password), 'the password is not shown');
  assert.deepEqual(await upstream.waitForAuth(), { user: ACCOUNT.user, ok: true });
  assert.equal((await upstream.received()).length, 0);

  const other = await ok(relay, 'doctor.upstream', { from: 'someone@elsewhere.test' });
  assert.ok(other.details.includes('> MAIL FROM:<someone@elsewhere.test>'), other.details.join(' / '));

  const report = await ok(relay, 'doctor.run', {});
  assert.equal(report.checks.find((c) => c.id === 'upstream')?.status, 'ok');
  const line = await cli(['doctor', 'upstream', '--data-dir', relay.dataDir]);
  assert.equal(line.code, 0);
  assert.match(line.stdout, new RegExp(`^ok  Upstream: ${upstream.host}:${upstream.port} accepts mail from `));
  assert.match(line.stdout, /^ {2}< 235 /m);
});

test('a smarthost that refuses the login is a problem with its 535 reply; one that is down says the connection was refused', async (t) => {
  const upstream = await startUpstream(t, { auth: ACCOUNT });
  const relay = await startRelayDesk(t);
  await ok(relay, 'upstream.setSmarthost', { host: upstream.host, port: upstream.port, security: 'none', user: ACCOUNT.user, password: 'not-the-password', rejectUnauthorized: true });

  const refused = await ok(relay, 'doctor.upstream', {});
  assert.equal(refused.status, 'problem');
  assert.equal(refused.summary, 'Authentication failed: 535 5.7.8 Authentication credentials invalid. Check the user name and password.');
  assert.match(refused.fix ?? '', /^Correct the user name and password under Server, Upstream/);
  assert.deepEqual(refused.details.slice(-2), ['> AUTH PLAIN ****', '< 535 5.7.8 Authentication credentials invalid']);
  assert.ok(!refused.details.some((d) => d.startsWith('> MAIL')), 'no MAIL FROM after a refused login');
  assert.deepEqual(await upstream.waitForAuth(), { user: ACCOUNT.user, ok: false });

  const failing = await cli(['doctor', '--data-dir', relay.dataDir]);
  assert.equal(failing.code, 1);
  assert.match(failing.stdout, /^PROBLEM +Upstream: Authentication failed: 535 5\.7\.8 /m);

  const closed = await freePort();
  await ok(relay, 'upstream.setSmarthost', { host: '127.0.0.1', port: closed, security: 'none', user: null, rejectUnauthorized: true });
  const down = await ok(relay, 'doctor.upstream', {});
  assert.deepEqual([down.status, down.details], ['problem', []]);
  assert.equal(down.summary, `Connection refused by 127.0.0.1:${closed}: nothing listens on that port there, or a firewall refuses the connection. Check the host and port.`);
  const line = await cli(['doctor', 'upstream', '--data-dir', relay.dataDir]);
  assert.equal(line.code, 1);
  assert.match(line.stdout, /^PROBLEM +Upstream: Connection refused by /);
});

test('direct delivery tries the MX host DNS names for a domain; without a domain the check asks for one', async (t) => {
  const mxHost = await startUpstream(t, { host: '127.0.0.61' });
  const dns = await startDns(t, {}, { mx: [{ domain: 'customer.test', target: 'mx.customer.test', preference: 10 }], hosts: { 'mx.customer.test': ['127.0.0.61'] } });
  const relay = await startRelayDesk(t, { dns: { server: dns.server } });
  await ok(relay, 'upstream.setDirect', { port: mxHost.port });

  assert.equal(apiError(await relay.call('doctor.upstream', {})).code, 'domain_needed');
  const report = await ok(relay, 'doctor.run', {});
  assert.equal(report.checks.find((c) => c.id === 'upstream'), undefined, 'direct delivery needs a domain: not among the checks without input');

  const check = await ok(relay, 'doctor.upstream', { domain: 'customer.test', from: 'info@office.test' });
  assert.equal(check.status, 'ok', JSON.stringify(check));
  assert.equal(check.summary, `127.0.0.61:${mxHost.port} accepts mail from info@office.test (connected without encryption; nothing was sent).`);
  assert.deepEqual(check.details.slice(0, 2), ['MX for customer.test: mx.customer.test (127.0.0.61)', check.details[1]]);
  assert.match(check.details[1] ?? '', /^< 220 /);

  const missing = await ok(relay, 'doctor.upstream', { domain: 'nowhere.test' });
  assert.equal(missing.status, 'problem');
  assert.equal(missing.summary, 'Mail for nowhere.test cannot be delivered directly: The domain nowhere.test does not exist (DNS: NXDOMAIN).');
});
