/**
 * `relay-desk list rename` and `delete` against a running host, as an admin
 * types them: the users move with a renamed list, a list with users is kept
 * with the reason, and names that differ only in case are one list.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UserView } from '../../electron/api/schemas/users.js';
import { assertOneLineError, cli, cliJson, cliOk } from '../fixtures/cli.js';
import { startRelayDesk, type RelayDesk } from '../fixtures/relay-desk.js';

const at = (relay: RelayDesk) => ['--data-dir', relay.dataDir];

test('list rename moves the users; list delete refuses while users are in it, then deletes; case never makes a second list', async (t) => {
  const relay = await startRelayDesk(t);
  assertOneLineError(await cli(['list', 'add', 'smtp+', ...at(relay)]), /^relay-desk: A list named "SMTP\+" exists already: choose it, or pick another name\.$/);
  const { user } = await cliJson<{ user: string }>(['user', 'add', '--list', 'Scanners', ...at(relay)]);

  assert.equal(await cliOk(['list', 'rename', 'scanners', 'Devices', ...at(relay)]), 'List renamed to "Devices", with its 1 user.\n');
  const { users } = await cliJson<{ users: UserView[] }>(['user', 'list', '--list', 'devices', ...at(relay)]);
  assert.deepEqual(users.map((u) => [u.name, u.list]), [[user, 'Devices']]);
  assertOneLineError(await cli(['list', 'rename', 'Devices', 'SMTP+', ...at(relay)]), /^relay-desk: A list named "SMTP\+" exists already/);

  const refused = await cli(['list', 'delete', 'Devices', ...at(relay)]);
  assertOneLineError(refused, /^relay-desk: The list "Devices" cannot be deleted while users are in it: move or delete its 1 user first/);
  assert.equal(refused.code, 1);
  await cliOk(['user', 'set', user, '--list', 'SMTP+', ...at(relay)]);
  assert.equal(await cliOk(['list', 'delete', 'Devices', ...at(relay)]), 'List "Devices" deleted.\n');
  assertOneLineError(await cli(['list', 'delete', 'Devices', ...at(relay)]), /^relay-desk: There is no list named "Devices"\.$/);
  const human = (await cliOk(['list', 'ls', ...at(relay)])).trimEnd().split('\n');
  assert.equal(human.length, 2);
  assert.match(human[1] ?? '', /^SMTP\+ +1 +\d{4}-/);
  assertOneLineError(await cli(['list', 'rename', 'SMTP+', ...at(relay)]), /^relay-desk: list rename needs NEW; see relay-desk list rename --help$/);
});
