import assert from 'node:assert/strict';
import { test } from 'node:test';
import Headers from 'mailsplit/lib/headers.js';
import type { RelayUser } from '../protocol.js';
import { readSenderFields, senderFieldsRefusal, type SenderFields } from '../session/sender-fields.js';

function headersOf(...lines: string[]): Headers {
  return new Headers(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`));
}

function codeOf(fields: SenderFields): string {
  return fields.ok ? 'ok' : fields.problem.code;
}

const USER: RelayUser = {
  name: 's300_0',
  active: true,
  verifier: 'unused',
  priority: 3,
  list: 'SMTP+',
  senders: [
    { kind: 'domain', value: 'company.com', verified: true },
    { kind: 'address', value: 'new@partner.example', verified: false },
  ],
  trustedClients: [],
  rateLimitPerHour: null,
};

test('From and Sender are read, folded lines unfolded, UTF-8 read as UTF-8', () => {
  const fields = readSenderFields(headersOf('Subject: s', 'From: "Doe, John"', '\t<john@company.com>', 'sender: Jörg <jörg@company.com>'));
  assert.ok(fields.ok);
  assert.deepEqual(
    fields.from.map((m) => [m.displayName, m.address]),
    [['Doe, John', 'john@company.com']],
  );
  assert.deepEqual([fields.sender?.displayName, fields.sender?.address], ['Jörg', 'jörg@company.com']);
});

test('one From and at most one Sender (RFC 5322 §3.6), and several From mailboxes need the Sender (§3.6.2)', () => {
  assert.equal(codeOf(readSenderFields(headersOf('Subject: s'))), 'missing');
  assert.equal(codeOf(readSenderFields(headersOf('From: a@company.com', 'FROM: a@company.com'))), 'duplicate-field');
  assert.equal(codeOf(readSenderFields(headersOf('From: a@company.com', 'Sender: a@company.com', 'Sender: b@company.com'))), 'duplicate-field');
  assert.equal(codeOf(readSenderFields(headersOf('From: a@company.com, b@company.com'))), 'several-from-without-sender');
  assert.equal(codeOf(readSenderFields(headersOf('From: a@company.com, b@company.com', 'Sender: a@company.com'))), 'ok');
  assert.equal(codeOf(readSenderFields(headersOf('From: a@company.com', 'Sender: a@company.com, b@company.com'))), 'several-sender-mailboxes');
  assert.equal(codeOf(readSenderFields(headersOf('From: a@company.com', 'Sender: '))), 'empty');
  assert.equal(codeOf(readSenderFields(headersOf('From: a@company.com', 'Sender: Team: a@company.com;'))), 'group');
});

test('a From or Sender name that readers disagree on is refused: white space or a control before the colon, an mbox line', () => {
  for (const lines of [
    ['Subject: s', 'From : evil@other.example', 'From: a@company.com'],
    ['Subject: s', 'From\t: a@company.com'],
    ['Subject: s', 'From: a@company.com', 'Sender : evil@other.example'],
    ['Subject: s', 'From\0: evil@other.example', 'From: a@company.com'],
    ['From evil@other.example Thu Nov 26 10:00:00 2026', 'From: a@company.com'],
    ['From : evil@other.example', 'From: a@company.com'],
  ]) {
    assert.equal(codeOf(readSenderFields(headersOf(...lines))), 'field-name', JSON.stringify(lines));
  }
  assert.equal(codeOf(readSenderFields(headersOf('X-From : evil@other.example', 'From: a@company.com'))), 'ok', 'other names are not ours to judge');
});

test('bytes that are not UTF-8, a BOM, and a CR or LF left after unfolding are refused', () => {
  const latin1 = new Headers(Buffer.concat([Buffer.from('From: J'), Buffer.from([0xf6]), Buffer.from('rg <j@company.com>\r\n\r\n')]));
  assert.equal(codeOf(readSenderFields(latin1)), 'not-utf8');
  assert.equal(codeOf(readSenderFields(headersOf('From:\ufeffa@company.com'))), 'invisible-character', 'a BOM is kept, not dropped by the decoder');
  assert.equal(codeOf(readSenderFields(headersOf('From: a@company.com\r\n'))), 'ok', 'the line ending itself is not part of the value');
  assert.equal(codeOf(readSenderFields(headersOf('From: a@company.com\rx'))), 'control-character', 'a bare CR is no fold');
});

test('the refusal reply: 554 5.6.0 for syntax, 550 5.7.1 for a deceptive field, 550 5.6.0 without From', () => {
  const reply = (...lines: string[]) => senderFieldsRefusal(readSenderFields(headersOf(...lines)), USER);
  assert.deepEqual(reply('From: john@company.com,'), { code: 554, text: '5.6.0 From header has an empty entry in its list (a comma too many)' });
  assert.deepEqual(reply('From: "evil@other.example" <john@company.com>'), {
    code: 550,
    text: '5.7.1 From header display name "evil@other.example" shows the address evil@other.example, which is not the mailbox\'s own <john@company.com>',
  });
  assert.deepEqual(reply('From: a@company.com', 'From: b@company.com'), { code: 550, text: '5.7.1 The message has 2 From headers; RFC 5322 allows one' });
  assert.deepEqual(reply('Subject: s'), { code: 550, text: '5.6.0 The message has no From header' });
  assert.deepEqual(reply('From: a@company.com, b@company.com'), {
    code: 550,
    text: '5.7.1 From header lists 2 mailboxes but the message has no Sender header; add a Sender naming the one mailbox that sends it (RFC 5322 section 3.6.2)',
  });
});

test('every From mailbox and the Sender must be authorized and verified', () => {
  const reply = (...lines: string[]) => senderFieldsRefusal(readSenderFields(headersOf(...lines)), USER);
  assert.equal(reply('From: A <a@company.com>, b@news.company.com', 'Sender: c@company.com'), null);
  assert.match(reply('From: a@company.com, b@other.example', 'Sender: a@company.com')?.text ?? '', /^5\.7\.1 From header address <b@other\.example> is not authorized for SMTP user s300_0/);
  assert.match(reply('From: a@company.com', 'Sender: b@other.example')?.text ?? '', /^5\.7\.1 Sender header address <b@other\.example> is not authorized/);
  assert.match(reply('From: new@partner.example')?.text ?? '', /^5\.7\.1 From header address <new@partner\.example> is authorized for SMTP user s300_0 but not verified yet/);
  assert.match(reply('From: John <john@cоmpany.com>')?.text ?? '', /not authorized/, 'a Cyrillic о is another domain');
});
