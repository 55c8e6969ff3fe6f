/**
 * Message properties through the real host: `relay-desk list set` with the
 * admin's files, the relay applying them before the command returns (the
 * next message has the footer), a new list starting from the default, a
 * renamed list keeping its footer, and wrong input refused with one line.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { MethodOutput } from '../../electron/api/contract.js';
import { ok } from '../fixtures/api.js';
import { assertOneLineError, cli, cliJson, cliOk } from '../fixtures/cli.js';
import { startDns } from '../fixtures/dns.js';
import { readWithPython } from '../../relay/test/python-mime.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';
import { senderUser } from '../fixtures/scenario.js';
import { swaks } from '../fixtures/smtp-clients.js';
import { tempDir } from '../fixtures/temp.js';
import { startUpstream } from '../fixtures/upstream.js';

test('list set --footer-text-file/--footer on: the next message has the footer; new lists start from the default; a renamed list keeps it', async (t) => {
  const dns = await startDns(t);
  const upstream = await startUpstream(t);
  const relay = await startRelayDesk(t, { upstream, dns });
  const at = ['--data-dir', relay.dataDir];
  const dir = await tempDir(t, 'properties');
  await writeFile(join(dir, 'footer.txt'), 'Acme B\u00fcro GmbH\nReply STOP to unsubscribe\n');
  await writeFile(join(dir, 'footer.html'), '<p>Acme B\u00fcro GmbH</p>');

  assert.equal(
    await cliOk(['list', 'set', 'smtp+', '--footer', 'on', '--footer-text-file', join(dir, 'footer.txt'), '--footer-html-file', join(dir, 'footer.html'), ...at]),
    'Messages of "SMTP+": header off (nothing written); footer on (text 41 characters, HTML 21 characters).\n',
  );
  const { user, password } = await senderUser(relay, dns, 'office.example');
  const sent = await swaks(relay.smtpPort, [
    ...['--from', 'clerk@office.example', '--to', 'boss@example.org', '--header', 'From: clerk@office.example', '--header', 'Subject: with footer', '--body', 'Hello.'],
    ...['--tls', '--auth', 'PLAIN', '--auth-user', user, '--auth-password', password],
  ]);
  assert.equal(sent.code, 0, sent.output.slice(-1500));
  const [received] = await upstream.waitForMessages(1);
  assert.ok(received);
  const reading = await readWithPython(received.raw);
  assert.deepEqual(reading.defects, []);
  assert.match(reading.parts[0]?.text ?? '', /^Hello\.\r?\n[\r\n]*Acme B\u00fcro GmbH\r?\nReply STOP to unsubscribe\r?\n$/);

  // The default for new lists, set through the API as the Message properties screen does.
  await ok(relay, 'messageProperties.set', { header: { on: true, text: 'Internal', html: '<p>Internal</p>' } });
  await cliOk(['list', 'add', 'Invoices', ...at]);
  const invoices = await cliJson<{ properties: MethodOutput<'messageProperties.set'> }>(['list', 'set', 'Invoices', '--footer', 'on', ...at]);
  assert.deepEqual(invoices.properties, { list: 'Invoices', header: { on: true, text: 'Internal', html: '<p>Internal</p>' }, footer: { on: true, text: '', html: '' } });
  await cliOk(['list', 'rename', 'SMTP+', 'Office', ...at]);
  const renamed = await ok(relay, 'messageProperties.get', { list: 'office' });
  assert.deepEqual([renamed.list, renamed.footer.on, renamed.footer.html], ['Office', true, '<p>Acme B\u00fcro GmbH</p>']);

  assertOneLineError(await cli(['list', 'set', 'Office', '--footer', 'maybe', ...at]), /^relay-desk: --footer must be on or off, got "maybe"; see relay-desk list set --help$/);
  assertOneLineError(await cli(['list', 'set', 'Office', '--header-html-file', join(dir, 'missing.html'), ...at]), /^relay-desk: --header-html-file: cannot read .*missing\.html \(ENOENT\)$/);
  await writeFile(join(dir, 'huge.html'), 'x'.repeat(70 * 1024));
  assertOneLineError(await cli(['list', 'set', 'Office', '--footer-html-file', join(dir, 'huge.html'), ...at]), /the HTML version may be at most 64 KB/);
  assertOneLineError(await cli(['list', 'set', 'Nowhere', '--footer', 'off', ...at]), /^relay-desk: There is no list named "Nowhere"\.$/);
});
