/**
 * Bounces are read back with a MIME parser no one here wrote (Python's
 * email package, in Debian's python3), so the structure is checked by what a
 * mail client would see, not by the code that wrote it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import type { RecipientResult } from '../delivery/types.js';
import { buildBounce, type BounceInput } from '../queue/bounce.js';

interface ParsedPart {
  type: string;
  text?: string;
  blocks?: Record<string, string>[];
}
interface Parsed {
  type: string;
  reportType: string | null;
  headers: Record<string, string>;
  defects: string[];
  parts: ParsedPart[];
}

const PARSE = `
import email, json, sys
from email import policy
msg = email.message_from_bytes(sys.stdin.buffer.read(), policy=policy.default)
defects = [type(d).__name__ for d in msg.defects]
parts = []
for part in msg.iter_parts():
    defects += [type(d).__name__ for d in part.defects]
    entry = {"type": part.get_content_type()}
    if entry["type"] == "message/delivery-status":
        entry["blocks"] = [{k: str(v) for k, v in block.items()} for block in part.get_payload()]
    else:
        entry["text"] = part.get_payload(decode=True).decode("utf-8")
    parts.append(entry)
print(json.dumps({"type": msg.get_content_type(), "reportType": msg.get_param("report-type"),
                  "headers": {k: str(v) for k, v in msg.items()}, "defects": defects, "parts": parts}))
`;

function parse(message: string): Parsed {
  const run = spawnSync('/usr/bin/python3', ['-c', PARSE], { input: message, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as Parsed;
}

const originalHeaders = [
  'From: Scanner <scanner@office.example>',
  'To: Boss <boss@example.org>, Nobody <nobody@gone.example>',
  'Subject: Scan 0042',
  'Message-ID: <scan-0042@office.example>',
  '',
].join('\n');

function input(recipients: RecipientResult[], reason: BounceInput['reason'] = 'failed'): BounceInput {
  return {
    reportingMta: 'relay.office.example',
    queueId: 'Q1A2B3',
    originalFrom: 'scanner@office.example',
    arrivalDate: new Date('2026-11-26T10:00:00Z'),
    recipients,
    reason,
    originalHeaders,
  };
}

test('a bounce is a multipart/report a MIME parser reads as three parts, with CRLF line endings only', () => {
  const text = buildBounce(
    input([
      { recipient: 'nobody@gone.example', status: 'failed', code: 550, response: '550 5.1.1 <nobody@gone.example>: Recipient address rejected' },
      { recipient: 'boss@example.org', status: 'delivered', code: 250, response: '250 2.0.0 Ok' },
    ]),
  );
  assert.doesNotMatch(text, /[^\r]\n/, 'no bare LF');
  assert.ok(text.split('\r\n').every((line) => line.length <= 998), 'no line longer than RFC 5322 allows');
  const parsed = parse(text);
  assert.deepEqual(parsed.defects, []);
  assert.equal(parsed.type, 'multipart/report');
  assert.equal(parsed.reportType, 'delivery-status');
  assert.deepEqual(
    parsed.parts.map((p) => p.type),
    ['text/plain', 'message/delivery-status', 'text/rfc822-headers'],
  );
  assert.equal(parsed.headers.From, 'Mail Delivery System <MAILER-DAEMON@relay.office.example>');
  assert.equal(parsed.headers.To, 'scanner@office.example');
  assert.equal(parsed.headers.Subject, 'Undelivered mail returned to sender');
  assert.equal(parsed.headers['Auto-Submitted'], 'auto-replied');
  assert.equal(parsed.headers['MIME-Version'], '1.0');
  assert.match(parsed.headers['Message-ID'] ?? '', /^<Q1A2B3\.[^@\s]+@relay\.office\.example>$/);
  assert.ok(!Number.isNaN(Date.parse(parsed.headers.Date ?? '')), 'Date parses');
});

test('the human part names each failed recipient with the server answer, and not the delivered ones', () => {
  const parsed = parse(
    buildBounce(
      input([
        { recipient: 'nobody@gone.example', status: 'failed', code: 550, response: '550 5.1.1 <nobody@gone.example>: Recipient address rejected' },
        { recipient: 'all@null.example', status: 'failed', response: '5.1.10 The domain null.example accepts no mail: it publishes a null MX record (RFC 7505)' },
        { recipient: 'boss@example.org', status: 'delivered', code: 250, response: '250 2.0.0 Ok' },
      ]),
    ),
  );
  const human = parsed.parts[0]?.text ?? '';
  assert.match(human, /could not be delivered to the recipients below/);
  assert.match(human, /<nobody@gone\.example>:\r?\n\s+550 5\.1\.1 <nobody@gone\.example>: Recipient address rejected/);
  assert.match(human, /<all@null\.example>:\r?\n\s+5\.1\.10 The domain null\.example accepts no mail/);
  assert.doesNotMatch(human, /boss@example\.org/);
  assert.match(human, /queued as Q1A2B3/);
});

test('the delivery-status part carries the per-message and per-recipient fields of RFC 3464', () => {
  const parsed = parse(
    buildBounce(
      input([
        { recipient: 'nobody@gone.example', status: 'failed', code: 550, response: '550 5.1.1 <nobody@gone.example>: Recipient address rejected' },
        { recipient: 'all@null.example', status: 'failed', response: '5.1.10 The domain null.example accepts no mail' },
        { recipient: 'spam@strict.example', status: 'failed', code: 554, response: '554 Transaction failed' },
      ]),
    ),
  );
  const [perMessage, ...perRecipient] = parsed.parts[1]?.blocks ?? [];
  assert.deepEqual(perMessage, { 'Reporting-MTA': 'dns; relay.office.example', 'Arrival-Date': 'Thu, 26 Nov 2026 10:00:00 +0000' });
  assert.deepEqual(perRecipient, [
    {
      'Final-Recipient': 'rfc822; nobody@gone.example',
      Action: 'failed',
      Status: '5.1.1',
      'Diagnostic-Code': 'smtp; 550 5.1.1 <nobody@gone.example>: Recipient address rejected',
    },
    { 'Final-Recipient': 'rfc822; all@null.example', Action: 'failed', Status: '5.1.10', 'Diagnostic-Code': 'X-Relay-Desk; 5.1.10 The domain null.example accepts no mail' },
    { 'Final-Recipient': 'rfc822; spam@strict.example', Action: 'failed', Status: '5.0.0', 'Diagnostic-Code': 'smtp; 554 Transaction failed' },
  ]);
});

test('an expired message reports 4.4.7 unless the last reply gave its own code', () => {
  const parsed = parse(
    buildBounce(
      input(
        [
          { recipient: 'a@slow.example', status: 'failed', response: 'Gave up after 9 attempts over 5 days: connect ECONNREFUSED 192.0.2.1:25' },
          { recipient: 'b@busy.example', status: 'failed', response: 'Gave up after 9 attempts over 5 days: 451 4.3.0 Mailbox busy' },
        ],
        'expired',
      ),
    ),
  );
  const statuses = (parsed.parts[1]?.blocks ?? []).slice(1).map((b) => b.Status);
  assert.deepEqual(statuses, ['4.4.7', '4.3.0']);
  assert.match(parsed.parts[0]?.text ?? '', /in the time the queue keeps a message/);
});

test('the original headers come back, and a long reply is folded without losing a word', () => {
  const long = `550 5.7.1 ${'policy '.repeat(40)}end`;
  const parsed = parse(buildBounce(input([{ recipient: 'x@strict.example', status: 'failed', code: 550, response: long }])));
  assert.equal(parsed.parts[2]?.text, originalHeaders.replace(/\n/g, '\r\n'));
  assert.equal(parsed.parts[1]?.blocks?.[1]?.['Diagnostic-Code'], `smtp; ${long}`);
});

test('a recipient address outside ASCII is written as RFC 6533 utf-8 in the report and readable in the text', () => {
  const parsed = parse(buildBounce(input([{ recipient: 'jörg@bücher.example', status: 'failed', code: 550, response: '550 5.1.1 unknown' }])));
  assert.equal(parsed.parts[1]?.blocks?.[1]?.['Final-Recipient'], 'utf-8; j\\x{F6}rg@b\\x{FC}cher.example');
  assert.match(parsed.parts[0]?.text ?? '', /<jörg@bücher\.example>:/);
});

test('a bounce is never made for the null sender, nor without a failed recipient', () => {
  const failed: RecipientResult = { recipient: 'x@gone.example', status: 'failed', response: '550 no' };
  assert.throws(() => buildBounce({ ...input([failed]), originalFrom: '' }), /null sender is never bounced/);
  assert.throws(() => buildBounce(input([{ ...failed, status: 'delivered' }])), /at least one recipient that was not delivered/);
});
