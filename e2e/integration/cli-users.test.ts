/**
 * `relay-desk list` and `relay-desk user` against a running host, as an
 * admin types them: the CLI finds the host and its token from --data-dir
 * alone, and what it prints works at the relay (swaks logs in with the
 * password it showed).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UserView } from '../../electron/api/schemas/users.js';
import { assertOneLineError, cli, cliJson, cliOk } from '../fixtures/cli.js';
import { startDns } from '../fixtures/dns.js';
import { startRelayDesk, type RelayDesk } from '../fixtures/relay-desk.js';
import { swaks } from '../fixtures/smtp-clients.js';

const at = (relay: RelayDesk) => ['--data-dir', relay.dataDir];

const CREDENTIALS = /^User: (s\d{6}_\d+)\nPassword: (\S{10,}) \(shown once — it cannot be read again\)\n$/;

function send(relay: RelayDesk, user: string, password: string, from = 'clerk@office.example') {
  return swaks(relay.smtpPort, ['--tls', '--from', from, '--to', 'boss@example.org', '--auth', 'PLAIN', '--auth-user', user, '--auth-password', password]);
}

test('list add and ls: a fresh install has "SMTP+"; a list cannot be added twice', async (t) => {
  const relay = await startRelayDesk(t);
  const fresh = await cliJson<{ lists: { name: string; users: number }[] }>(['list', 'ls', ...at(relay)]);
  assert.deepEqual(
    fresh.lists.map((l) => [l.name, l.users]),
    [['SMTP+', 0]],
  );

  assert.equal(await cliOk(['list', 'add', 'Scanners', ...at(relay)]), 'List "Scanners" created.\n');
  assertOneLineError(await cli(['list', 'add', 'Scanners', ...at(relay)]), /^relay-desk: A list named "Scanners" exists already: choose it, or pick another name\.$/);

  const human = (await cliOk(['list', 'ls', ...at(relay)])).split('\n');
  assert.match(human[0] ?? '', /^NAME +USERS +CREATED$/);
  assert.match(human[1] ?? '', /^SMTP\+ +0 +\d{4}-\d\d-\d\d \d\d:\d\d$/);
  assert.match(human[2] ?? '', /^Scanners +0 +\d{4}-\d\d-\d\d/);
});

test('user add: the printed password sends mail from a domain verified through the CLI; user list shows the user', async (t) => {
  const dns = await startDns(t);
  const relay = await startRelayDesk(t, { dns });

  const added = await cliJson<{ domain: string; records: { type: string; name: string; value: string }[] }>(['sender', 'add-domain', 'office.example', ...at(relay)]);
  assert.equal(added.domain, 'office.example');
  assert.equal(added.records.length, 1);
  const [record] = added.records;
  assert.ok(record);
  assert.deepEqual(Object.keys(record).sort(), ['name', 'type', 'value']);
  assert.equal(record.type, 'TXT');
  assert.equal(record.name, '_relay-desk.office.example');
  assertOneLineError(await cli(['sender', 'check', 'office.example', ...at(relay)]), /No TXT record _relay-desk\.office\.example was found/);
  await dns.setTxtRecords({ [record.name]: [record.value] });
  assert.match(await cliOk(['sender', 'check', 'office.example', ...at(relay)]), /office\.example is verified/);

  const printed = await cliOk(['user', 'add', '--domains', 'office.example', '--note', 'Front desk scanner', '--priority', '2', ...at(relay)]);
  const [, name = '', printedPassword = ''] = CREDENTIALS.exec(printed) ?? assert.fail(`unexpected output:\n${printed}`);
  const password = printedPassword;
  const sent = await send(relay, name, password);
  assert.equal(sent.code, 0, sent.output);
  assert.match(sent.output, /235 /);
  assert.match(sent.output, /250 2\.0\.0 Ok: queued as /);

  const json = await cliJson<{ user: string; password: string }>(['user', 'add', '--list', 'Billing', '--inactive', ...at(relay)]);
  assert.equal(json.user, name.replace(/_0$/, '_1'));
  assert.match(json.password, /^\S{10,}$/);
  assert.deepEqual(Object.keys(json).sort(), ['password', 'user']);

  const { users } = await cliJson<{ users: UserView[] }>(['user', 'list', ...at(relay)]);
  const first = users.find((u) => u.name === name);
  assert.ok(first);
  assert.equal(first.note, 'Front desk scanner');
  assert.equal(first.priority, 2);
  assert.deepEqual(first.domains, [{ domain: 'office.example', status: 'verified' }]);
  assert.equal(users.find((u) => u.name === json.user)?.active, false);

  const table = (await cliOk(['user', 'list', ...at(relay)])).trimEnd().split('\n');
  assert.match(table[0] ?? '', /^STATUS +USER NAME +LIST +NOTE +TYPE +PRIORITY +LAST UPDATED$/);
  assert.match(table[1] ?? '', new RegExp(`^active +${name} +SMTP\\+ +Front desk scanner +Smtp\\+ +2 \\(High\\) +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d$`));
  assert.match(table[2] ?? '', new RegExp(`^inactive +${json.user} +Billing +- +Smtp\\+ +3 \\(Normal\\)`));
  assert.equal(table.length, 3);
  assert.equal(JSON.stringify(users).includes(password), false, 'the password is never shown again');
});

test('user set --active no locks the user out; reset-password replaces the password; delete removes the user', async (t) => {
  const relay = await startRelayDesk(t);
  const login = (user: string, pass: string) =>
    swaks(relay.smtpPort, ['--tls', '--quit-after', 'AUTH', '--auth', 'LOGIN', '--auth-user', user, '--auth-password', pass]);
  const added = await cliJson<{ user: string; password: string }>(['user', 'add', ...at(relay)]);
  const { user } = added;
  const password = added.password;
  assert.match((await login(user, password)).output, /235 /);

  assert.match(await cliOk(['user', 'set', user, '--active', 'no', '--rate-limit', '100', ...at(relay)]), new RegExp(`^User ${user} updated: inactive`));
  assert.match((await login(user, password)).output, /535 5\.7\.8 SMTP user s\d+_0 is not active/);
  const updated = await cliJson<UserView>(['user', 'set', user, '--active', 'yes', '--rate-limit', 'none', ...at(relay)]);
  assert.equal(updated.active, true);
  assert.equal(updated.rateLimitPerHour, null);

  const reset = CREDENTIALS.exec(await cliOk(['user', 'reset-password', user, ...at(relay)]));
  assert.ok(reset);
  assert.equal(reset[1], user);
  assert.notEqual(reset[2], password);
  const newPassword = reset[2] ?? '';
  assert.match((await login(user, password)).output, /535 5\.7\.8 Authentication failed/);
  assert.match((await login(user, newPassword)).output, /235 /);
  const again = await cliJson<{ user: string; password: string }>(['user', 'reset-password', user, ...at(relay)]);
  assert.equal(again.user, user);
  const last = again.password;

  assert.equal(await cliOk(['user', 'delete', user, ...at(relay)]), `User ${user} deleted; its password no longer works.\n`);
  assert.match((await login(user, last)).output, /535 /);
  assert.deepEqual(await cliJson(['user', 'list', ...at(relay)]), { users: [], total: 0 });
});

test('a comma where ";" belongs, an unknown user and bad flags each get one line and a non-zero exit', async (t) => {
  const relay = await startRelayDesk(t);
  for (const [flag, value] of [
    ['--domains', 'a.example,b.example'],
    ['--addresses', 'x@a.example, y@b.example'],
    ['--trusted', '10.0.0.1,10.0.0.2'],
  ] as const) {
    assertOneLineError(
      await cli(['user', 'add', flag, value, ...at(relay)]),
      new RegExp(`^relay-desk: ${flag}: Separate the entries with ";" \\(semicolon\\), not "," \\(comma\\)\\.$`),
    );
  }
  assert.deepEqual(await cliJson(['user', 'list', ...at(relay)]), { users: [], total: 0 }, 'nothing was created');

  for (const command of [['set', 'nobody_9', '--active', 'no'], ['reset-password', 'nobody_9'], ['delete', 'nobody_9']]) {
    const result = await cli(['user', ...command, ...at(relay)]);
    assertOneLineError(result, /^relay-desk: There is no SMTP user named nobody_9\.$/);
    assert.equal(result.code, 1);
  }

  for (const [args, reason] of [
    [['user', 'add', '--priority', '7'], /--priority must be a whole number from 1 to 5, got "7"; see relay-desk user add --help$/],
    [['user', 'set', 's1_0', '--active', 'maybe'], /--active must be yes or no, got "maybe"; see relay-desk user set --help$/],
    [['user', 'set', 's1_0'], /user set needs something to change/],
    [['user', 'add', '--colour', 'red'], /Unknown option '--colour'; see relay-desk user add --help$/],
    [['user', 'delete'], /user delete needs USER; see relay-desk user delete --help$/],
    [['user', 'frobnicate'], /unknown command "user frobnicate"; see relay-desk user --help$/],
    [['list', 'add', 'A', 'B'], /unexpected argument "B"/],
  ] as const) {
    const result = await cli([...args, ...at(relay)]);
    assertOneLineError(result, reason);
    assert.equal(result.code, 2, args.join(' '));
  }
});
