/**
 * `relay-desk messages` against a running host, as an admin or a script runs
 * it: the table, the filters, --json as the API answers, --csv read back by
 * Python's csv module, refused attempts, and wrong flags in one line.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import type { MethodOutput } from '../../electron/api/contract.js';
import { assertOneLineError, cli, cliJson, cliOk } from '../fixtures/cli.js';
import { startDns } from '../fixtures/dns.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';
import { senderUser } from '../fixtures/scenario.js';
import { swaks } from '../fixtures/smtp-clients.js';
import { startUpstream } from '../fixtures/upstream.js';

const run = promisify(execFile);
const READ_CSV = `
import csv, json, sys
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    print(json.dumps(list(csv.DictReader(f, strict=True))))
`;

test('messages lists, filters and exports the send status; --refused shows refused attempts', async (t) => {
  const dns = await startDns(t);
  const upstream = await startUpstream(t);
  const relay = await startRelayDesk(t, { upstream, dns });
  const at = ['--data-dir', relay.dataDir];
  const { user, password } = await senderUser(relay, dns, 'office.example');
  const login = ['--tls', '--auth', 'PLAIN', '--auth-user', user, '--auth-password', password];
  const send = (subject: string, to: string) =>
    swaks(relay.smtpPort, ['--from', 'clerk@office.example', '--to', to, '--header', 'From: clerk@office.example', '--header', `Subject: ${subject}`, ...login]);
  assert.equal((await send('Quarterly report, "final"', 'boss@example.org')).code, 0);
  await upstream.waitForMessages(1);
  await upstream.rejectRecipient('nobody@example.org', '550 5.1.1 No such user');
  assert.equal((await send('Lost letter', 'nobody@example.org')).code, 0);
  await relay.waitForMessage((m) => m.subject === 'Lost letter' && m.status === 'bounced');
  await relay.waitForMessage((m) => m.subject.startsWith('Quarterly') && m.status === 'delivered');
  assert.match((await swaks(relay.smtpPort, ['--from', 'x@elsewhere.example', '--to', 'boss@example.org', ...login])).output, /553 5\.7\.1/);

  const human = (await cliOk(['messages', ...at])).trimEnd().split('\n');
  assert.match(human[0] ?? '', /^ACCEPTED +QUEUE ID +STATUS +USER +FROM +RCPTS +SUBJECT +LAST REPLY$/);
  assert.equal(human.length, 3, 'a header and two messages, the bounce to the sender not among them');
  assert.match(human[1] ?? '', /bounced .*Lost letter/);
  assert.match(human[2] ?? '', /delivered .*Quarterly report, "final"/);

  const delivered = await cliJson<MethodOutput<'messages.list'>>(['messages', '--status', 'delivered', '--since', '1h', '--user', user, ...at]);
  assert.deepEqual(
    delivered.rows.map((m) => m.subject),
    ['Quarterly report, "final"'],
  );
  assert.equal((await cliJson<MethodOutput<'messages.list'>>(['messages', '--search', 'nobody@example', ...at])).total, 1);
  assert.equal((await cliJson<MethodOutput<'messages.list'>>(['messages', '--sender', '@office.example', '--until', '2000-01-01', ...at])).total, 0);
  assert.equal((await cliOk(['messages', '--list', 'no such list', ...at])).trim(), 'No messages match.');

  const file = join(relay.dataDir, 'export.csv');
  await writeFile(file, await cliOk(['messages', '--csv', ...at]));
  const { stdout } = await run('/usr/bin/python3', ['-c', READ_CSV, file]);
  const rows = JSON.parse(stdout) as Record<string, string>[];
  assert.deepEqual(
    rows.map((r) => [r.subject, r.status, r.recipients, r.user]),
    [
      ['Lost letter', 'bounced', 'nobody@example.org', user],
      ['Quarterly report, "final"', 'delivered', 'boss@example.org', user],
    ],
  );

  await relay.waitForRefusals((rows) => rows.length === 1);
  const refused = (await cliOk(['messages', '--refused', ...at])).trimEnd().split('\n');
  assert.match(refused[0] ?? '', /^AT +CLIENT +USER +STAGE +CODE +REPLY$/);
  assert.match(refused[1] ?? '', new RegExp(`127\\.0\\.0\\.1 +${user} +mail +553 +553 5\\.7\\.1 Sender <x@elsewhere\\.example> is not authorized`));
});

test('wrong flags are refused in one line before anything is asked of the host', async (t) => {
  const relay = await startRelayDesk(t);
  const at = ['--data-dir', relay.dataDir];
  for (const [args, reason] of [
    [['--status', 'lost'], /^relay-desk: --status must be queued, sending, .*, got "lost"; see relay-desk messages --help$/],
    [['--since', 'last week'], /^relay-desk: --since must be a date \(2026-12-01\), a time \(2026-12-01T09:30\) or a time ago \(30m, 12h, 7d\), got "last week"/],
    [['--limit', '0'], /^relay-desk: --limit must be a whole number from 1 to 500, got "0"/],
    [['--csv', '--json'], /^relay-desk: choose --csv or --json, not both/],
    [['--refused', '--status', 'queued'], /^relay-desk: --status does not apply to --refused/],
    [['--client', '10.0.0.1'], /^relay-desk: --client applies to --refused only/],
  ] as const) {
    const result = await cli(['messages', ...args, ...at]);
    assertOneLineError(result, reason);
    assert.equal(result.code, 2);
  }
  assert.match(await cliOk(['messages', '--help']), /^Usage:\n {2}relay-desk messages \[--status/);
});
