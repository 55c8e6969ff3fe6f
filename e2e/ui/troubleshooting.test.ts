/**
 * The Troubleshooting screen in Chromium against a real host and relay: the
 * checks with problems found (a port another process holds, a smarthost
 * refusing the login, a verified domain's DKIM key not published, with the
 * record to publish) and with all
 * ok (a certificate from an authority, naming this computer), and the
 * can-send and login questions answered on the page.
 */
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { test } from 'node:test';
import { ok } from '../fixtures/api.js';
import { openPage, screenshot, settled } from '../fixtures/browser.js';
import { takenPort } from '../fixtures/ports.js';
import { startDns } from '../fixtures/dns.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';
import { verifyDomain } from '../fixtures/scenario.js';
import { authorityIssuedCertificate } from '../fixtures/tls.js';
import { startUpstream } from '../fixtures/upstream.js';

test('with a port another process holds and a smarthost refusing the login, the screen shows the problems, what to do, and answers the questions', async (t) => {
  const upstream = await startUpstream(t, { auth: { user: 'office', password: 'right' } });
  const dns = await startDns(t);
  const relay = await startRelayDesk(t, { dns });
  // Verified, with only its verification record published: no SPF, DKIM or DMARC yet.
  await verifyDomain(relay, dns, 'company.example');
  await ok(relay, 'upstream.setSmarthost', { host: upstream.host, port: upstream.port, security: 'none', user: 'office', password: 'wrong', rejectUnauthorized: true });
  const heldPort = await takenPort(t);
  await ok(relay, 'server.setListener', { port: heldPort, encryption: 'starttls', create: true });
  await relay.waitForRelayState((s) => s.listeners.some((l) => l.port === heldPort && l.status === 'error'));
  const created = await ok(relay, 'users.create', {});

  const page = await openPage(t);
  await page.goto(relay.adminUrl);
  await page.getByRole('tab', { name: 'Troubleshooting' }).click();
  await page.getByRole('status').filter({ hasText: '3 problems found.' }).waitFor();
  const results = page.getByRole('list', { name: 'check results' });
  const problem = results.getByRole('listitem', { name: `Port ${heldPort}: Problem` });
  await problem.getByText(`The relay could not open port ${heldPort}: Port ${heldPort} is already used by another program`).waitFor();
  assert.match((await problem.textContent()) ?? '', /What to do: Free allowed ports here: [\d, ]+\./);
  await results.getByRole('listitem', { name: `Port ${relay.smtpPort}: OK` }).waitFor();
  await results.getByRole('listitem', { name: 'TLS certificate: Warning' }).waitFor();
  const dkim = results.getByRole('listitem', { name: 'company.example DKIM: Problem' });
  await dkim.getByText('No DKIM record relaydesk._domainkey.company.example is published', { exact: false }).waitFor();
  const toPublish = dkim.getByRole('group', { name: 'Record to publish for company.example DKIM' });
  assert.equal(await toPublish.getByLabel('Name', { exact: true }).inputValue(), 'relaydesk._domainkey.company.example');
  assert.match(await toPublish.getByLabel('Value', { exact: true }).inputValue(), /^v=DKIM1; k=rsa; p=MII/);
  await toPublish.getByRole('button', { name: 'Copy Record to publish for company.example DKIM value', exact: true }).waitFor();
  await results.getByRole('listitem', { name: 'company.example SPF: Warning' }).waitFor();
  await results.getByRole('listitem', { name: 'company.example DMARC: Warning' }).waitFor();
  await results.getByRole('listitem', { name: 'Upstream: Problem' }).getByText('Authentication failed: 535 5.7.8 Authentication credentials invalid.', { exact: false }).waitFor();

  const canSend = page.getByRole('region', { name: 'Can this user send as this address?' });
  await canSend.getByLabel('SMTP user').fill(created.user.name);
  await canSend.getByLabel('Sender address').fill('info@www.company.example');
  await canSend.getByRole('button', { name: 'Check', exact: true }).click();
  await canSend.getByText(/No\. www\.company\.example is not authorized for s\d+_\d+/).waitFor();
  await canSend.getByText(/www\.company\.example is a web server's name: authorize the mail domain company\.example/).waitFor();

  const login = page.getByRole('region', { name: 'Test a login' });
  await login.getByLabel('SMTP user').fill(created.user.name);
  await login.getByLabel('Password').fill('not-the-password');
  await login.getByRole('button', { name: 'Test' }).click();
  await login.getByText(`Wrong password for ${created.user.name}`, { exact: false }).waitFor();
  assert.equal(await login.getByLabel('Password').inputValue(), '', 'the password is not kept in the form');

  const tryUpstream = page.getByRole('region', { name: 'Try the upstream' });
  await tryUpstream.getByLabel('Sender (optional)').fill('info@company.example');
  await tryUpstream.getByRole('button', { name: 'Try' }).click();
  const tried = tryUpstream.getByRole('status', { name: 'Upstream: Problem' });
  await tried.getByText('What was seen').click();
  await tried.getByText('< 535 5.7.8 Authentication credentials invalid').waitFor();
  await settled(page);
  await screenshot(page, 'troubleshooting-problem');
});

test('with a trusted certificate, a smarthost that takes mail and a domain whose records are right, every check is ok and a test message is followed to delivered', async (t) => {
  const upstream = await startUpstream(t);
  const dns = await startDns(t);
  const relay = await startRelayDesk(t, { upstream, dns });
  const { lanAddresses } = await ok(relay, 'server.get', {});
  const certificate = await authorityIssuedCertificate([hostname()], ['127.0.0.1', ...lanAddresses]);
  await ok(relay, 'server.importCertificate', certificate);
  const added = await ok(relay, 'senders.addDomain', { domain: 'company.example' });
  const verification = added.records.find((r) => r.purpose === 'verification');
  assert.ok(verification);
  await dns.setTxtRecords({ [verification.name]: [verification.value] });
  const checked = await ok(relay, 'senders.checkDomain', { domain: 'company.example' });
  const dkim = checked.domain.records.find((r) => r.purpose === 'dkim');
  assert.ok(dkim);
  await dns.setTxtRecords({
    [verification.name]: [verification.value],
    'company.example': ['v=spf1 ip4:127.0.0.1 -all'],
    [dkim.name]: [dkim.value],
    '_dmarc.company.example': ['v=DMARC1; p=quarantine'],
  });
  const created = await ok(relay, 'users.create', { domains: 'company.example' });

  const page = await openPage(t, { colorScheme: 'dark' });
  await page.goto(relay.adminUrl);
  await page.getByRole('tab', { name: 'Troubleshooting' }).click();
  await page.getByRole('status').filter({ hasText: 'No problem found.' }).waitFor();
  const items = page.getByRole('list', { name: 'check results' }).getByRole('listitem');
  const names = await Promise.all((await items.all()).map((i) => i.getAttribute('aria-label')));
  // The firewall row depends on this machine (a firewall tool installed, readable as this user); its outcomes are tested in doctor-firewall.
  const firewall = names.filter((name) => name?.startsWith('Firewall'));
  assert.ok(firewall.length <= 1 && firewall.every((name) => /^Firewall \((nft|iptables|ufw)\): (OK|Warning)$/.test(name ?? '')), firewall.join(' / '));
  assert.deepEqual(names.filter((name) => !name?.startsWith('Firewall')), [
    'Relay: OK',
    `Port ${relay.smtpPort}: OK`,
    'TLS certificate: OK',
    'Upstream: OK',
    'company.example verification record: OK',
    'company.example SPF: OK',
    'company.example DKIM: OK',
    'company.example DMARC: OK',
  ]);

  const send = page.getByRole('region', { name: 'Send a test message' });
  await send.getByLabel('SMTP user').fill(created.user.name);
  await send.getByLabel('Password').fill(created.password);
  await send.getByLabel('From').fill('info@company.example');
  await send.getByLabel('To').fill('someone@customer.example');
  await send.getByRole('button', { name: 'Send' }).click();
  const steps = send.getByRole('list', { name: 'test message steps' });
  await steps.getByText('Delivered.').waitFor();
  const texts = await steps.getByRole('listitem').allTextContents();
  assert.equal(texts.length, 3, texts.join(' / '));
  assert.match(texts[0] ?? '', new RegExp(`Accepted by the relay from ${created.user.name}\\.$`));
  assert.match(texts[1] ?? '', new RegExp(`Handed to ${upstream.host}:${upstream.port} \\(\\d+ ms\\)\\.250 `));
  assert.match(texts[2] ?? '', /Delivered\.$/);
  await send.getByRole('status', { name: 'test message' }).and(page.locator('.MuiAlert-colorSuccess')).waitFor();
  assert.match((await send.getByRole('status', { name: 'test message' }).textContent()) ?? '', new RegExp(`The relay took the message as ${created.user.name} on port ${relay.smtpPort} \\(queue id \\S+\\)\\.250 2\\.0\\.0 Ok: queued as `));
  const [received] = await upstream.waitForMessages(1);
  assert.deepEqual(received?.rcptTos, ['someone@customer.example']);
  await settled(page);
  await screenshot(page, 'troubleshooting-all-ok-dark');
});
