/**
 * `relay-desk stats` and `relay-desk list set --aggregate` against a running
 * host with mail sent through the real relay: the list's chosen mode applies
 * to mail already stored, a CampaignCode from X-SMTPAPI groups first, --csv
 * reads back with Python's csv module.
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

test('stats groups the list’s stored mail by its chosen mode, campaigns first; --by, --csv and wrong flags', async (t) => {
  const dns = await startDns(t);
  const upstream = await startUpstream(t);
  const relay = await startRelayDesk(t, { upstream, dns });
  const at = ['--data-dir', relay.dataDir];
  const { user, password } = await senderUser(relay, dns, 'office.example');
  const send = (subject: string, extra: string[] = []) =>
    swaks(relay.smtpPort, [
      ...['--from', 'clerk@office.example', '--to', 'boss@example.org', '--header', 'From: clerk@office.example', '--header', `Subject: ${subject}`, ...extra],
      ...['--tls', '--auth', 'PLAIN', '--auth-user', user, '--auth-password', password],
    ]);
  for (const subject of ['Ticket 101 solved', 'Ticket 202 solved']) assert.equal((await send(subject)).code, 0);
  assert.equal((await send('Spring news', ['--header', 'X-SMTPAPI: {"CampaignCode": "SPRING24"}'])).code, 0);
  await upstream.waitForMessages(3);
  await relay.waitForMessage((m) => m.subject === 'Spring news' && m.status === 'delivered');

  assert.equal(await cliOk(['list', 'set', 'smtp+', '--aggregate', 'dynamic-subject', ...at]), 'Statistics of "SMTP+" are grouped by dynamic-subject.\n');
  const chosen = await cliJson<MethodOutput<'stats.get'>>(['stats', '--list', 'SMTP+', ...at]);
  assert.deepEqual(chosen.aggregation, { mode: 'dynamic-subject', unit: 'day' });
  assert.deepEqual(
    chosen.groups.map((g) => [g.label, g.campaign, g.accepted, g.delivered]),
    [
      ['Campaign SPRING24', true, 1, 1],
      ['Ticket # solved', false, 2, 2],
    ],
  );
  assert.equal(chosen.series.reduce((n, day) => n + day.accepted, 0), 3);

  const human = (await cliOk(['stats', '--list', 'SMTP+', ...at])).trimEnd().split('\n');
  assert.match(human[0] ?? '', /^GROUP +ACCEPTED +RECIPIENTS +DELIVERED +DEFERRED +BOUNCED +REFUSED +FIRST +LAST$/);
  assert.match(human[2] ?? '', /^Ticket # solved +2 +2 +2 +0 +0 +0 /);
  assert.equal(human.at(-1), 'Grouped by dynamic-subject.');

  const file = join(relay.dataDir, 'stats.csv');
  await writeFile(file, await cliOk(['stats', '--list', 'SMTP+', '--by', 'sender', '--since', '1d', '--csv', ...at]));
  const { stdout } = await run('/usr/bin/python3', ['-c', READ_CSV, file]);
  assert.deepEqual(
    (JSON.parse(stdout) as Record<string, string>[]).map((r) => [r.group, r.campaign, r.accepted]),
    [
      ['Campaign SPRING24', 'yes', '1'],
      ['clerk@office.example', 'no', '2'],
    ],
  );

  assertOneLineError(await cli(['stats', '--list', 'SMTP+', '--by', 'colour', ...at]), /^relay-desk: --by must be day, week, .* or user, got "colour"; see relay-desk stats --help$/);
  assertOneLineError(await cli(['stats', ...at]), /^relay-desk: stats needs --list LIST/);
  assertOneLineError(await cli(['stats', '--list', 'Nope', ...at]), /^relay-desk: --list: There is no list named "Nope"\.$/);
  assertOneLineError(await cli(['list', 'set', 'SMTP+', '--aggregate', 'hour', ...at]), /^relay-desk: --aggregate must be day, week/);
});
