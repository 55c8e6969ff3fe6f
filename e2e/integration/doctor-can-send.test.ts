/**
 * "Can this user send as this address?" agrees with the relay: for each
 * outcome the doctor's answer (API and CLI) is compared with what the real
 * relay says to MAIL FROM from a device trusted for that user, with domains
 * verified through a real DNS server (dnsmasq) and a code mailed through a
 * real upstream (aiosmtpd).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CanSendResult } from '../../electron/api/schemas/doctor.js';
import { apiError, ok } from '../fixtures/api.js';
import { assertOneLineError, cli } from '../fixtures/cli.js';
import { startDns } from '../fixtures/dns.js';
import { rawSmtp } from '../fixtures/raw-smtp.js';
import type { RelayDesk } from '../fixtures/relay-desk.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';
import { smarthostWithAccount, verifyDomain } from '../fixtures/scenario.js';

/** The relay's own answer to MAIL FROM from `client`, a device address trusted for one user. */
async function mailFrom(relay: RelayDesk, client: string, address: string): Promise<{ code: number; text: string }> {
  const smtp = await rawSmtp(relay.smtpPort, { localAddress: client });
  try {
    await smtp.reply();
    await smtp.command('EHLO doctor.test');
    return await smtp.command(`MAIL FROM:<${address}>`);
  } finally {
    smtp.close();
  }
}

async function user(relay: RelayDesk, client: string, fields: { domains?: string; addresses?: string; active?: boolean }): Promise<string> {
  return (await ok(relay, 'users.create', { ...fields, trustedClients: client })).user.name;
}

test('each can-send answer agrees with the relay\'s MAIL FROM, names the rule and says what to change', async (t) => {
  const dns = await startDns(t);
  const relay = await startRelayDesk(t, { dns });
  await smarthostWithAccount(t, relay);
  await verifyDomain(relay, dns, 'company.example');

  const domainUser = await user(relay, '127.0.0.11', { domains: 'company.example' });
  const addressUser = await user(relay, '127.0.0.13', { addresses: 'anna@company.example;billing@elsewhere.example' });
  const inactiveUser = await user(relay, '127.0.0.14', { domains: 'company.example', active: false });

  const cases: { user: string; client: string; address: string; allowed: boolean; rule: CanSendResult['rule']; says: RegExp; fix?: RegExp; relay: RegExp }[] = [
    { user: domainUser, client: '127.0.0.11', address: 'info@company.example', allowed: true, rule: 'verified-domain', says: /info@company\.example is at company\.example, a verified domain/, relay: /^250/ },
    { user: domainUser, client: '127.0.0.11', address: 'news@marketing.company.example', allowed: true, rule: 'verified-domain', says: /is at company\.example/, relay: /^250/ },
    {
      user: domainUser,
      client: '127.0.0.11',
      address: 'info@elsewhere.example',
      allowed: false,
      rule: 'not-authorized',
      says: new RegExp(`^elsewhere\\.example is not authorized for ${domainUser}; its authorized domains are company\\.example \\(verified\\), its addresses none\\.$`),
      fix: /^Add elsewhere\.example \(then verify it through DNS\) or the address info@elsewhere\.example to .*, or use an address at company\.example\.$/,
      relay: /^553 5\.7\.1 Sender <info@elsewhere\.example> is not authorized/,
    },
    {
      user: domainUser,
      client: '127.0.0.11',
      address: 'info@www.shop.example',
      allowed: false,
      rule: 'not-authorized',
      says: /^www\.shop\.example is not authorized/,
      fix: /^www\.shop\.example is a web server's name: authorize the mail domain shop\.example for s\d+_\d+ \(it covers www\.shop\.example too\)/,
      relay: /^553 5\.7\.1 Sender <info@www\.shop\.example> is not authorized/,
    },
    { user: addressUser, client: '127.0.0.13', address: 'Anna@company.example', allowed: true, rule: 'covered-address', says: /covered by the verified domain company\.example/, relay: /^250/ },
    {
      user: addressUser,
      client: '127.0.0.13',
      address: 'billing@elsewhere.example',
      allowed: false,
      rule: 'address-pending',
      says: /^billing@elsewhere\.example is authorized for s\d+_\d+ but pending verification since \d{4}-\d\d-\d\d \d\d:\d\d UTC; a code was mailed to it at /,
      fix: /Enter the code from that mail under Senders/,
      relay: /^553 5\.7\.1 Sender <billing@elsewhere\.example> is authorized for SMTP user s\d+_\d+ but not verified yet/,
    },
    {
      user: inactiveUser,
      client: '127.0.0.14',
      address: 'info@company.example',
      allowed: false,
      rule: 'user-inactive',
      says: /is inactive/,
      fix: /Make s\d+_\d+ active on the Users screen/,
      relay: /^535 5\.7\.8 SMTP user s\d+_\d+ is not active/,
    },
  ];
  for (const c of cases) {
    const answer = await ok(relay, 'doctor.canSend', { user: c.user, address: c.address, client: c.client });
    const relayReply = await mailFrom(relay, c.client, c.address);
    const what = `${c.user} as ${c.address}`;
    assert.equal(answer.allowed, relayReply.code === 250, `${what}: the doctor and the relay disagree (${relayReply.text})`);
    assert.equal(answer.allowed, c.allowed, what);
    assert.equal(answer.rule, c.rule, what);
    assert.match(answer.explanation, c.says, what);
    if (c.fix) assert.match(answer.fix ?? '', c.fix, what);
    else assert.equal(answer.fix, null, what);
    assert.match(relayReply.text, c.relay, what);
    assert.equal(answer.client, `A device at ${c.client} is trusted for ${c.user}: it sends as ${c.user} without logging in.`);
  }

  const other = await ok(relay, 'doctor.canSend', { user: domainUser, address: 'info@company.example', client: '127.0.0.13' });
  assert.equal(other.client, `A device at 127.0.0.13 that does not log in sends as ${addressUser} (it is trusted for that user), not as ${domainUser}: to send as ${domainUser} it must log in.`);
  const stranger = await ok(relay, 'doctor.canSend', { user: domainUser, address: 'info@company.example', client: '10.9.9.9' });
  assert.equal(stranger.client, `10.9.9.9 is not a trusted device address: a device there must log in as ${domainUser}.`);
  const invalid = await ok(relay, 'doctor.canSend', { user: domainUser, address: 'company.example' });
  assert.deepEqual([invalid.allowed, invalid.rule], [false, 'invalid-address']);
  const missing = apiError(await relay.call('doctor.canSend', { user: 's9_99', address: 'info@company.example' }), 404);
  assert.deepEqual([missing.code, missing.field], ['not_found', 'user']);
  const badClient = apiError(await relay.call('doctor.canSend', { user: domainUser, address: 'a@company.example', client: 'office-pc' }), 400);
  assert.equal(badClient.code, 'invalid_input');

  // The command line: the same answer, and the exit code says yes (0) or no (1).
  const yes = await cli(['doctor', 'can-send', domainUser, 'info@company.example', '--data-dir', relay.dataDir]);
  assert.deepEqual([yes.code, yes.stdout], [0, `yes: info@company.example is at company.example, a verified domain ${domainUser} is authorized for.\n`]);
  const no = await cli(['doctor', 'can-send', domainUser, 'info@www.shop.example', '--data-dir', relay.dataDir]);
  assert.equal(no.code, 1);
  assert.match(no.stdout, /^no: www\.shop\.example is not authorized for .*\nfix: www\.shop\.example is a web server's name: authorize the mail domain shop\.example/);
  assertOneLineError(await cli(['doctor', 'can-send', 's9_99', 'a@b.example', '--data-dir', relay.dataDir]), /^relay-desk: USER: There is no SMTP user s9_99\.$/);
  assertOneLineError(await cli(['doctor', 'can-send', domainUser, '--data-dir', relay.dataDir]), /doctor can-send needs ADDRESS; see relay-desk doctor can-send --help$/);
});
