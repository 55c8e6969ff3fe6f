/**
 * Users changed one by one in the running relay (the 'users' message the
 * host sends for a user write): acknowledged with its seq, and in force for
 * sessions already open, logins and trusted devices from then on.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ControlMessage } from '../../relay/protocol.js';
import { plainAuth, rawSmtp } from '../fixtures/raw-smtp.js';
import { relayUser, startRelayChild, type RelayChild, type TestUser } from '../fixtures/relay-child.js';

const SCANNER: TestUser = { name: 's700_0', password: 'Sc4nner!pass' };
const PRINTER: TestUser = { name: 's700_1', password: 'Pr1nter!pass' };

async function changeUsers(relay: RelayChild, seq: number, change: Omit<Extract<ControlMessage, { type: 'users' }>, 'type' | 'seq'>): Promise<void> {
  relay.child.send({ type: 'users', seq, ...change });
  await relay.waitForEvent('users-applied', (e) => e.seq === seq);
}

async function authCode(relay: RelayChild, user: TestUser): Promise<number> {
  const smtp = await rawSmtp(relay.port);
  await smtp.reply();
  await smtp.command('EHLO desk.test');
  const { code } = await smtp.command(`AUTH PLAIN ${plainAuth(user.name, user.password)}`);
  await smtp.command('QUIT');
  return code;
}

test('a users change is acknowledged and in force at once: deactivated mid-session, added, removed, new password, trusted device', async (t) => {
  const relay = await startRelayChild(t, { users: [await relayUser(SCANNER)] });
  const held = await rawSmtp(relay.port);
  await held.reply();
  await held.command('EHLO held.test');
  assert.equal((await held.command(`AUTH PLAIN ${plainAuth(SCANNER.name, SCANNER.password)}`)).code, 235);

  await changeUsers(relay, 1, { upsert: [await relayUser({ ...SCANNER, active: false }), await relayUser(PRINTER)], remove: [] });
  const refused = await held.command('MAIL FROM:<clerk@office.example>');
  assert.equal(refused.code, 535, 'the open session of a deactivated user cannot send');
  assert.match(refused.text, /SMTP user s700_0 is not active/);
  await held.command('QUIT');
  assert.equal(await authCode(relay, PRINTER), 235, 'a user added by a change logs in');

  const renewed = { ...PRINTER, password: 'N3w!printer' };
  await changeUsers(relay, 2, { upsert: [await relayUser(renewed)], remove: [SCANNER.name] });
  assert.equal(await authCode(relay, PRINTER), 535, 'the old password stops working, even though it was remembered');
  assert.equal(await authCode(relay, renewed), 235);
  assert.equal(await authCode(relay, SCANNER), 535, 'a removed user is unknown');

  await changeUsers(relay, 3, { upsert: [await relayUser({ ...renewed, trustedClients: ['127.0.0.1'] })], remove: [] });
  const device = await rawSmtp(relay.port);
  await device.reply();
  await device.command('EHLO device.test');
  assert.equal((await device.command('MAIL FROM:<scan@office.example>')).code, 250, 'a trusted device added by a change sends without AUTH');
  await device.command('QUIT');
  assert.equal(relay.events.filter((e) => e.type === 'ready').length, 1, 'never restarted');
});
