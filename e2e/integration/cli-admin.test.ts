/**
 * The rest of `relay-desk` against a running host: help for every group,
 * the one line it prints when no host runs, listeners, the upstream (its
 * password only ever through standard input), status, and sender addresses
 * verified with the code mailed through the upstream.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ServerView, UpstreamView } from '../../electron/api/schemas/server.js';
import type { AddressView } from '../../electron/api/schemas/senders.js';
import type { RelayState } from '../../electron/api/contract.js';
import { assertOneLineError, cli, cliJson, cliOk, type CliResult } from '../fixtures/cli.js';
import { freePort } from '../fixtures/ports.js';
import { startRelayDesk, type RelayDesk } from '../fixtures/relay-desk.js';
import { smarthostWithAccount } from '../fixtures/scenario.js';
import { swaks } from '../fixtures/smtp-clients.js';
import { tempDir } from '../fixtures/temp.js';
import { startUpstream } from '../fixtures/upstream.js';

const at = (relay: RelayDesk) => ['--data-dir', relay.dataDir];
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('--help prints the usage of every command group and exits 0', async () => {
  const top = await cli(['--help']);
  assert.equal(top.code, 0);
  for (const group of ['serve', 'status', 'list', 'user', 'sender', 'listener', 'upstream']) assert.match(top.stdout, new RegExp(`^ {2}${group}\\b`, 'm'));
  const expected: Record<string, RegExp[]> = {
    list: [/relay-desk list add NAME/, /relay-desk list ls/],
    user: [/relay-desk user add .*--priority N/, /relay-desk user set USER/, /relay-desk user reset-password USER/, /relay-desk user delete USER/, /separated by ";"/],
    sender: [/relay-desk sender add-domain DOMAIN/, /relay-desk sender confirm ADDRESS CODE/, /relay-desk sender list/],
    listener: [/relay-desk listener set PORT --encryption none\|starttls\|starttls-required\|tls \[--allow-cleartext-login\]/, /relay-desk listener remove PORT/],
    upstream: [/relay-desk upstream set --host HOST --port PORT --security none\|starttls\|tls/, /--password-stdin/, /relay-desk upstream direct/, /relay-desk upstream test/],
    status: [/relay-desk status/],
    serve: [/--data-dir DIR/, /--admin-port N/, /--dns HOST:PORT/, /--smtp-port N/, /--upstream HOST:PORT/],
  };
  for (const [group, patterns] of Object.entries(expected)) {
    for (const args of [[group, '--help'], [group, '-h'], ['help', group]]) {
      const result = await cli(args);
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stderr, '');
      for (const pattern of patterns) assert.match(result.stdout, pattern, args.join(' '));
      if (group !== 'serve') assert.match(result.stdout, /--data-dir DIR/);
    }
  }
  // Help for a subcommand is its group's, even with flags that would be wrong.
  const sub = await cli(['user', 'add', '--bogus', '--help']);
  assert.equal(sub.code, 0);
  assert.match(sub.stdout, /relay-desk user add/);
});

test('without a running host every command says so in one line, for an empty folder and after the host stopped', async (t) => {
  const empty = await tempDir(t, 'cli-empty');
  for (const args of [['status'], ['list', 'ls'], ['user', 'add'], ['upstream', 'test']]) {
    const result = await cli([...args, '--data-dir', empty]);
    assertOneLineError(result, new RegExp(`^relay-desk: Relay Desk is not running for ${literal(empty)}: start it with \`relay-desk serve --data-dir ${literal(empty)}\`$`));
    assert.equal(result.code, 1);
  }

  const relay = await startRelayDesk(t);
  assert.match(await cliOk(['status', ...at(relay)]), /^Relay: running/);
  assert.deepEqual(await relay.interrupt(), { code: 0, signal: null });
  assertOneLineError(await cli(['status', ...at(relay)]), /^relay-desk: Relay Desk is not running for /);
});

test('listener set and remove open and close a port; status shows the ports, certificate and upstream', async (t) => {
  const relay = await startRelayDesk(t);
  const port = await freePort();
  const set = await cliJson<ServerView>(['listener', 'set', String(port), '--encryption', 'tls', ...at(relay)]);
  assert.deepEqual(
    set.listeners.find((l) => l.port === port),
    { port, encryption: 'tls', requireTlsForAuth: false, clearTextLogins: false },
  );
  await relay.waitForRelayState((s) => s.listeners.some((l) => l.port === port && l.status === 'listening'));
  const tls = await swaks(port, ['--tls-on-connect', '--quit-after', 'EHLO']);
  assert.equal(tls.code, 0, tls.output);

  const status = await cliOk(['status', ...at(relay)]);
  assert.match(status, /^Relay: running, 0 messages queued$/m);
  assert.match(status, new RegExp(`^${relay.smtpPort} +STARTTLS +after STARTTLS +listening$`, 'm'));
  assert.match(status, new RegExp(`^${port} +TLS +over TLS +listening$`, 'm'));
  assert.match(status, /^Certificate: generated, for .*, valid until \d{4}-/m);
  assert.match(status, /^Upstream: none/m);
  const json = await cliJson<{ relay: RelayState; server: ServerView; upstream: UpstreamView }>(['status', ...at(relay)]);
  assert.equal(json.relay.status, 'running');
  assert.deepEqual(json.server.listeners.map((l) => l.port).sort(), [relay.smtpPort, port].sort());
  assert.deepEqual(json.upstream, { mode: 'none' });

  // Clear-text logins on the relay's own port, for devices that cannot use TLS: allowed only when asked for, and flagged.
  const added = await cliJson<{ user: string; password: string }>(['user', 'add', ...at(relay)]);
  const { user } = added;
  const password = added.password;
  const plainLogin = () => swaks(relay.smtpPort, ['--quit-after', 'AUTH', '--auth', 'PLAIN', '--auth-user', user, '--auth-password', password]);
  const allowed = await cliOk(['listener', 'set', String(relay.smtpPort), '--encryption', 'starttls', '--allow-cleartext-login', ...at(relay)]);
  assert.match(allowed, new RegExp(`^${relay.smtpPort} +STARTTLS +with or without TLS \\(warning: passwords cross the network readable\\)$`, 'm'));
  assert.match((await plainLogin()).output, /235 /, 'the admin allowed logins without TLS');
  assertOneLineError(
    await cli(['listener', 'set', String(relay.smtpPort), '--encryption', 'tls', '--allow-cleartext-login', ...at(relay)]),
    /--allow-cleartext-login applies only to --encryption starttls/,
  );
  // "set" describes the whole port: without the flag, login only after STARTTLS again.
  const human = await cliOk(['listener', 'set', String(relay.smtpPort), '--encryption', 'starttls', ...at(relay)]);
  assert.match(human, new RegExp(`^${relay.smtpPort} +STARTTLS +after STARTTLS$`, 'm'));
  const plain = await plainLogin();
  assert.match(plain.output, /Host did not advertise authentication/);
  assert.doesNotMatch(plain.output, /235 /);
  const secured = await swaks(relay.smtpPort, ['--tls', '--quit-after', 'AUTH', '--auth', 'PLAIN', '--auth-user', user, '--auth-password', password]);
  assert.match(secured.output, /235 /, 'after STARTTLS the login works');

  assert.match(await cliOk(['listener', 'remove', String(port), ...at(relay)]), new RegExp(`^PORT +ENCRYPTION +LOGIN\\n${relay.smtpPort} `));
  await relay.waitForRelayState((s) => !s.listeners.some((l) => l.port === port));
  assertOneLineError(await cli(['listener', 'remove', String(port), ...at(relay)]), new RegExp(`does not listen on port ${port}`));
  assertOneLineError(await cli(['listener', 'remove', String(relay.smtpPort), ...at(relay)]), /only port/);
  assertOneLineError(await cli(['listener', 'set', '8080', '--encryption', 'tls', ...at(relay)]), /^relay-desk: Port 8080 cannot be used/);
  const badEncryption = await cli(['listener', 'set', String(port), '--encryption', 'ssl', ...at(relay)]);
  assertOneLineError(badEncryption, /--encryption must be none, starttls, starttls-required or tls, got "ssl"; see relay-desk listener set --help$/);
  assert.equal(badEncryption.code, 2);
  assertOneLineError(await cli(['listener', 'set', String(port), ...at(relay)]), /listener set needs --encryption/);
});

test('upstream set --password-stdin: the password reaches the smarthost and no output or settings file', async (t) => {
  const secret = 'Sm4rt.host-pw!';
  const upstream = await startUpstream(t, { auth: { user: 'relay@office.example', password: secret } });
  const relay = await startRelayDesk(t);
  const outputs: CliResult[] = [];
  const run = async (args: string[], stdin?: string) => {
    const result = await cli([...args, ...at(relay)], stdin === undefined ? {} : { stdin });
    outputs.push(result);
    return result;
  };

  const set = await run(
    ['upstream', 'set', '--host', '127.0.0.1', '--port', String(upstream.port), '--security', 'none', '--user', 'relay@office.example', '--password-stdin'],
    `${secret}\n`,
  );
  assert.equal(set.code, 0, set.stderr);
  assert.match(set.stdout, new RegExp(`^Upstream: smarthost 127\\.0\\.0\\.1:${upstream.port}, security none, user relay@office\\.example, password stored\\.`));
  const tested = await run(['upstream', 'test']);
  assert.equal(tested.code, 0, tested.stderr);
  assert.match(tested.stdout, /^OK: /);
  assert.deepEqual(await upstream.waitForAuth(), { user: 'relay@office.example', ok: true });

  const shown = await run(['upstream', 'show', '--json']);
  assert.deepEqual(JSON.parse(shown.stdout), {
    mode: 'smarthost',
    host: '127.0.0.1',
    port: upstream.port,
    security: 'none',
    user: 'relay@office.example',
    hasPassword: true,
    rejectUnauthorized: true,
    oauth: null,
  });
  await run(['status']);
  await run(['status', '--json']);

  // Keeping the user without --password-stdin keeps the stored password.
  assert.equal((await run(['upstream', 'set', '--host', '127.0.0.1', '--port', String(upstream.port), '--security', 'none', '--user', 'relay@office.example'])).code, 0);
  assert.equal((await run(['upstream', 'test'])).code, 0);

  for (const file of await readdir(relay.dataDir, { recursive: true })) {
    const text = await readFile(join(relay.dataDir, file)).catch(() => Buffer.alloc(0));
    assert.equal(text.includes(secret), false, `the password is in ${file}`);
  }
  for (const { stdout, stderr } of outputs) {
    assert.equal(`${stdout}${stderr}`.includes(secret), false, 'the password is in the output');
    assert.equal(`${stdout}${stderr}`.includes(relay.token), false, 'the admin token is in the output');
  }

  const noUser = await cli(['upstream', 'set', '--host', 'smtp.example.com', '--port', '587', '--security', 'starttls', '--password-stdin', ...at(relay)], { stdin: 'x' });
  assertOneLineError(noUser, /--password-stdin needs --user; see relay-desk upstream set --help$/);
  assertOneLineError(await cli(['upstream', 'set', '--port', '587', '--security', 'starttls', ...at(relay)]), /upstream set needs --host/);
  const empty = await cli(['upstream', 'set', '--host', 'smtp.example.com', '--port', '587', '--security', 'starttls', '--user', 'u', '--password-stdin', ...at(relay)]);
  assertOneLineError(empty, /--password-stdin: no password was given/);
  assertOneLineError(await cli(['upstream', 'set', '--host', 'smtp.example.com:587', '--port', '587', '--security', 'starttls', ...at(relay)]), /--host: Enter the host without the port/);

  const closed = await freePort();
  assert.equal((await cli(['upstream', 'set', '--host', '127.0.0.1', '--port', String(closed), '--security', 'none', ...at(relay)])).code, 0);
  assertOneLineError(await cli(['upstream', 'test', ...at(relay)]), new RegExp(`^relay-desk: Connection refused by 127\\.0\\.0\\.1:${closed}`));

  const direct = await cliJson<UpstreamView>(['upstream', 'direct', '--port', '2525', ...at(relay)]);
  assert.deepEqual(direct, { mode: 'mx', port: 2525 });
  assert.match(await cliOk(['upstream', 'direct', ...at(relay)]), /^Upstream: direct delivery to the recipients' MX hosts on port 25\.$/m);
  assert.match(await cliOk(['upstream', 'test', ...at(relay)]), /^OK: Direct delivery has no single server to test/);
});

test('sender add-address and confirm: the code mailed through the upstream verifies the address, which a user may then send from', async (t) => {
  const relay = await startRelayDesk(t);
  const upstream = await smarthostWithAccount(t, relay);
  const address = 'clerk@office.example';
  assert.equal(
    await cliOk(['sender', 'add-address', address, ...at(relay)]),
    `A code was mailed to ${address}; enter it with: relay-desk sender confirm ${address} CODE\n`,
  );
  const [mail] = await upstream.waitForMessages(1);
  const code = /^ {4}(\d{6})\r?$/m.exec(mail?.raw.toString('utf8') ?? '')?.[1];
  assert.ok(code, 'the mail holds the code');

  const wrong = code === '000000' ? '111111' : '000000';
  assertOneLineError(await cli(['sender', 'confirm', address, wrong, ...at(relay)]), /^relay-desk: That is not the code sent to clerk@office\.example\. 4 tries left\.$/);
  const confirmed = await cliJson<AddressView>(['sender', 'confirm', address, code, ...at(relay)]);
  assert.equal(confirmed.status, 'verified');
  assert.equal(confirmed.method, 'email-code');
  assert.match(await cliOk(['sender', 'list', ...at(relay)]), /^address +clerk@office\.example +verified +email-code +\d{4}-/m);

  const added = await cliJson<{ user: string; password: string }>(['user', 'add', '--addresses', address, ...at(relay)]);
  const { user } = added;
  const password = added.password;
  const sent = await swaks(relay.smtpPort, ['--tls', '--from', address, '--to', 'boss@example.org', '--auth', 'LOGIN', '--auth-user', user, '--auth-password', password]);
  assert.equal(sent.code, 0, sent.output);
  const [, relayed] = await upstream.waitForMessages(2);
  assert.equal(relayed?.mailFrom, address);
});

test('admin-url prints the signed-in address that serve keeps out of its output', async (t) => {
  const relay = await startRelayDesk(t);
  const { url } = await cliJson<{ url: string }>(['admin-url', '--data-dir', relay.dataDir]);
  assert.equal(url, relay.adminUrl);
  const token = new URLSearchParams(new URL(url).hash.slice(1)).get('token') ?? '';
  const status = await fetch(new URL('api/call/relay.status', url), {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: '{}',
  });
  assert.equal(status.status, 200);
  assert.equal(relay.proc.lines.some((l) => l.includes(token)), false, 'serve itself never printed it');
});
