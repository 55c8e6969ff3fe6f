import assert from 'node:assert/strict';
import { test } from 'node:test';
import Headers from 'mailsplit/lib/headers.js';
import { fromDomainOf, inspectHeaders, rewriteHeaders, rfc5322Date, type RewriteContext } from '../session/message-headers.js';

function headersOf(...lines: string[]): Headers {
  return new Headers(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`));
}

const NOW = new Date('2026-11-26T10:00:00Z');

function context(over: Partial<RewriteContext> = {}): RewriteContext {
  return {
    queueId: 'MIFQ3K2A0123456789',
    hostname: 'relay.office.example',
    user: 'scanner',
    via: 'auth',
    priority: 3,
    clientHostname: 'scanner-3f.office.example',
    remoteAddress: '192.168.1.20',
    tls: null,
    now: NOW,
    ...over,
  };
}

/** The built header block as logical lines (folds undone). */
function logicalLines(headers: Headers): string[] {
  const text = headers.build().toString('binary');
  assert.ok(text.endsWith('\r\n\r\n'), 'the block ends with the blank line');
  return text.slice(0, -4).replace(/\r\n[ \t]/g, ' ').split('\r\n');
}

function valuesOf(headers: Headers, key: string): string[] {
  return logicalLines(headers)
    .filter((line) => line.toLowerCase().startsWith(`${key.toLowerCase()}:`))
    .map((line) => line.slice(key.length + 1).trim());
}

test('rfc5322Date writes an RFC 5322 date-time in UTC', () => {
  assert.equal(rfc5322Date(NOW), 'Thu, 26 Nov 2026 10:00:00 +0000');
  assert.equal(rfc5322Date(new Date('2027-01-03T23:59:59.999Z')), 'Sun, 03 Jan 2027 23:59:59 +0000');
});

test('From and Sender addresses are read past display names with commas, quotes and encoded words', () => {
  const inspected = inspectHeaders(
    headersOf(
      'From: "Doe, John" <john@company.com>',
      'Sender: =?UTF-8?B?w4lsw6huZSwgQ28=?= <elene@company.com>',
      'Subject: hi',
    ),
  );
  assert.deepEqual(inspected.from, ['john@company.com']);
  assert.deepEqual(inspected.sender, ['elene@company.com']);
  assert.equal(inspected.fromText, '"Doe, John" <john@company.com>');
});

test('every From mailbox and the Sender are read; a group, a second From or a list without Sender leaves none to trust', () => {
  const listed = inspectHeaders(headersOf('From: "Doe, Jane" <jane@company.com>, "B, Bee" <b@y.example>', 'Sender: Office <office@company.com>'));
  assert.deepEqual(listed.from, ['jane@company.com', 'b@y.example']);
  assert.deepEqual(listed.sender, ['office@company.com']);
  for (const [lines, code] of [
    [['From: Team: a@x.example, "B, Bee" <b@y.example>;'], 'group'],
    [['From: jane@company.com', 'Subject: two From headers', 'from: =?UTF-8?Q?M=C3=BCller?= <jan@evil.example>'], 'duplicate-field'],
    [['From: jane@company.com, jan@evil.example'], 'several-from-without-sender'],
  ] as const) {
    const inspected = inspectHeaders(headersOf(...lines));
    assert.deepEqual(inspected.senders.ok ? null : inspected.senders.problem.code, code, lines.join(' | '));
    assert.deepEqual(inspected.from, [], 'no address of a refused field is passed on');
  }
  assert.equal(inspectHeaders(headersOf('From: Team: a@x.example;', 'Subject: s')).fromText, 'Team: a@x.example;', 'the first From, as written, for display');
});

test('a folded From header is read whole', () => {
  const inspected = inspectHeaders(headersOf('From: "A very long display name, with a comma"', '\t<folded@company.com>'));
  assert.deepEqual(inspected.from, ['folded@company.com']);
});

test('fromDomainOf gives the normalized domain of the first From address, or null without one', () => {
  assert.equal(fromDomainOf(inspectHeaders(headersOf('From: X <x@Shop.Company.COM>'))), 'shop.company.com');
  assert.equal(fromDomainOf(inspectHeaders(headersOf('From: X <x@Shop.Company.COM.>'))), null, 'a trailing dot is not RFC 5322: refused, no domain');
  assert.equal(fromDomainOf(inspectHeaders(headersOf('From: x@XN--BCHER-KVA.example'))), 'xn--bcher-kva.example');
  assert.equal(fromDomainOf(inspectHeaders(headersOf('Subject: no from'))), null);
  assert.equal(fromDomainOf(inspectHeaders(headersOf('From: undisclosed-recipients:;'))), null);
});

test('the subject is the first Subject header, unfolded', () => {
  assert.equal(inspectHeaders(headersOf('Subject: Scan 0042 of', ' the quarterly report', 'Subject: second')).subject, 'Scan 0042 of the quarterly report');
  assert.equal(inspectHeaders(headersOf('From: a@b.example')).subject, '');
});

test('X-SMTPAPI gives the campaign name and code, numbers as strings, and is removed by the rewrite', () => {
  const headers = headersOf('From: a@company.com', 'X-SMTPAPI: {"CampaignName": "Spring sale", "CampaignCode": 42, "category": "news"}', 'Subject: s');
  assert.deepEqual(inspectHeaders(headers).smtpApi, { ok: true, api: { campaign: { name: 'Spring sale', code: '42' } } });
  rewriteHeaders(headers, context());
  assert.equal(headers.hasHeader('x-smtpapi'), false);
  assert.deepEqual(valuesOf(headers, 'From'), ['a@company.com']);
  assert.deepEqual(valuesOf(headers, 'Subject'), ['s']);
});

test('X-SMTPAPI with one of the fields, with none we know, Header and Footer either way, or no header at all', () => {
  const api = (value: string) => inspectHeaders(headersOf(`X-SMTPAPI: ${value}`)).smtpApi;
  assert.deepEqual(api('{"CampaignCode": "C-7"}'), { ok: true, api: { campaign: { code: 'C-7' } } });
  assert.deepEqual(api('{"CampaignName": 2026.5}'), { ok: true, api: { campaign: { name: '2026.5' } } });
  assert.deepEqual(api('{"category": "news", "unique_args": {"a": 1}}'), { ok: true, api: { campaign: null } });
  assert.deepEqual(api('{"Header": false, "Footer": true}'), { ok: true, api: { campaign: null, header: false, footer: true } });
  assert.deepEqual(api('{"Footer": false,\r\n "CampaignCode": "X"}'), { ok: true, api: { campaign: { code: 'X' }, footer: false } }, 'folded');
  assert.equal(inspectHeaders(headersOf('Subject: none')).smtpApi, null);
});

test('an X-SMTPAPI that cannot be followed is read as a problem that says what is wrong, and is removed all the same', () => {
  const cases: [string, RegExp][] = [
    ['{not json', /not valid JSON/],
    ['', /not valid JSON/],
    ['"just a string"', /must be a JSON object/],
    ['null', /must be a JSON object/],
    ['[1,2]', /must be a JSON object/],
    ['{"Footer": "no"}', /^Footer must be true or false$/],
    ['{"Header": 0}', /^Header must be true or false$/],
    ['{"CampaignName": {"x": 1}}', /^CampaignName must be a string of at most 200 characters or a number$/],
    ['{"CampaignCode": null}', /^CampaignCode must be/],
    [`{"CampaignCode": "${'x'.repeat(201)}"}`, /^CampaignCode must be/],
    ['{"footer": false}', /^"footer" is not a known key \(keys are case-sensitive: Footer\)$/],
  ];
  for (const [value, problem] of cases) {
    const headers = headersOf(`X-SMTPAPI: ${value}`, 'Subject: s');
    const reading = inspectHeaders(headers).smtpApi;
    assert.ok(reading && !reading.ok, value);
    assert.match(reading.problem, problem, value);
    rewriteHeaders(headers, context());
    assert.equal(headers.hasHeader('x-smtpapi'), false, value);
  }
  const two = inspectHeaders(headersOf('X-SMTPAPI: {"Footer": false}', 'X-SMTPAPI: {"Footer": true}')).smtpApi;
  assert.deepEqual(two, { ok: false, problem: 'the message has 2 X-SMTPAPI headers; send one' });
});

test('X-Priority and Importance follow the user priority 1 to 5 and replace what the client wrote', () => {
  const expected: Record<number, [string, string]> = {
    1: ['1 (Highest)', 'high'],
    2: ['2 (High)', 'high'],
    3: ['3 (Normal)', 'normal'],
    4: ['4 (Low)', 'low'],
    5: ['5 (Lowest)', 'low'],
  };
  for (const [priority, [xPriority, importance]] of Object.entries(expected)) {
    const headers = headersOf('X-Priority: 1 (Highest)', 'Importance: High', 'Subject: s', 'x-priority: 5', 'IMPORTANCE: low');
    rewriteHeaders(headers, context({ priority: Number(priority) }));
    assert.deepEqual(valuesOf(headers, 'X-Priority'), [xPriority], `priority ${priority}`);
    assert.deepEqual(valuesOf(headers, 'Importance'), [importance], `priority ${priority}`);
    const bare = headersOf('Subject: s');
    rewriteHeaders(bare, context({ priority: Number(priority) }));
    assert.deepEqual(valuesOf(bare, 'X-Priority'), [xPriority]);
    assert.deepEqual(valuesOf(bare, 'Importance'), [importance]);
  }
});

test('Message-ID and Date are added when missing, from the queue id, hostname and acceptance time', () => {
  const headers = headersOf('From: a@company.com', 'Subject: s');
  rewriteHeaders(headers, context());
  assert.deepEqual(valuesOf(headers, 'Message-ID'), ['<MIFQ3K2A0123456789@relay.office.example>']);
  assert.deepEqual(valuesOf(headers, 'Date'), ['Thu, 26 Nov 2026 10:00:00 +0000']);
});

test('a Message-ID or Date the client wrote is kept as it was, in any case, and not doubled', () => {
  const headers = headersOf('message-id: <client-1@scanner.example>', 'DATE: Wed, 25 Nov 2026 09:00:00 +0100', 'Subject: s');
  rewriteHeaders(headers, context());
  assert.deepEqual(valuesOf(headers, 'Message-ID'), ['<client-1@scanner.example>']);
  assert.deepEqual(valuesOf(headers, 'Date'), ['Wed, 25 Nov 2026 09:00:00 +0100']);
});

test('the Received line comes first and names client, user, protocol and TLS for an authenticated session', () => {
  const headers = headersOf('Received: from earlier.example by scanner', 'Subject: s');
  rewriteHeaders(headers, context({ tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' } }));
  const lines = logicalLines(headers);
  assert.equal(
    lines[0],
    'Received: from scanner-3f.office.example ([192.168.1.20]) by relay.office.example (Relay Desk) with ESMTPSA (TLSv1.3:TLS_AES_256_GCM_SHA384) id MIFQ3K2A0123456789 (authenticated as scanner); Thu, 26 Nov 2026 10:00:00 +0000',
  );
  assert.deepEqual(
    lines.filter((line) => line.startsWith('Received:')).slice(1),
    ['Received: from earlier.example by scanner'],
    'the earlier Received line stays, below ours and unchanged',
  );
});

test('the Received line of a trusted device without TLS says so', () => {
  const headers = headersOf('Subject: s');
  rewriteHeaders(headers, context({ via: 'trusted', user: 'printer', clientHostname: '', remoteAddress: '::ffff:10.1.2.3' }));
  assert.deepEqual(valuesOf(headers, 'Received'), [
    'from unknown ([::ffff:10.1.2.3]) by relay.office.example (Relay Desk) with ESMTP id MIFQ3K2A0123456789 (trusted device of printer); Thu, 26 Nov 2026 10:00:00 +0000',
  ]);
  const tlsTrusted = headersOf('Subject: s');
  rewriteHeaders(tlsTrusted, context({ via: 'trusted', tls: { protocol: 'TLSv1.2', cipher: 'ECDHE-RSA-AES128-GCM-SHA256' } }));
  assert.match(valuesOf(tlsTrusted, 'Received')[0] ?? '', / with ESMTPS \(TLSv1\.2:ECDHE-RSA-AES128-GCM-SHA256\) id /);
});

test('a HELO name with CR, LF, spaces or a colon cannot add header lines or break the Received line', () => {
  for (const helo of ['evil\r\nX-Injected: yes', 'evil\nX-Injected: yes', 'evil\rX-Injected: yes', 'evil host\r\n\r\nbody', 'a\tb\u00e9\u0000c']) {
    const headers = headersOf('Subject: s');
    rewriteHeaders(headers, context({ clientHostname: helo, tls: { protocol: 'TLS\r\nX-Injected: 1', cipher: 'x y' } }));
    const lines = logicalLines(headers);
    assert.ok(
      lines.every((line) => /^[A-Za-z0-9-]+: /.test(line)),
      `every line is a header of its own: ${JSON.stringify(lines)}`,
    );
    assert.ok(!lines.some((line) => /^x-injected/i.test(line)), JSON.stringify(lines));
    assert.deepEqual(
      lines.map((line) => line.slice(0, line.indexOf(':'))),
      ['Received', 'Importance', 'X-Priority', 'Subject', 'Message-ID', 'Date'],
    );
    const received = lines[0] ?? '';
    assert.match(received, /^Received: from [\x21-\x7e]+ \(\[192\.168\.1\.20\]\) by relay\.office\.example /);
  }
});

test('a very long HELO name is cut so the Received line stays within bounds', () => {
  const headers = headersOf('Subject: s');
  rewriteHeaders(headers, context({ clientHostname: 'h'.repeat(5000) }));
  const received = valuesOf(headers, 'Received')[0] ?? '';
  assert.ok(received.length < 600, `Received is ${received.length} characters`);
  const raw = headers.build().toString('binary').split('\r\n');
  assert.ok(raw.every((line) => line.length <= 998), 'no physical line longer than RFC 5322 allows');
});

test('an encoded-word subject is decoded for the queue and the admin page', () => {
  const headers = new Headers(Buffer.from('From: x@company.com\r\nSubject: =?UTF-8?B?SMOpbGxv?= world\r\n\r\n'));
  assert.equal(inspectHeaders(headers).subject, 'Héllo world');
  const split = new Headers(Buffer.from('Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= =?UTF-8?B?IGF1cyBLw7Zsbg==?=\r\n\r\n'));
  assert.equal(inspectHeaders(split).subject, 'Grüße aus Köln');
});

test('raw UTF-8 in the Subject and From headers is read as UTF-8', () => {
  const headers = new Headers(Buffer.from('From: Jörg <jörg@bücher.example>\r\nSubject: Grüße aus Köln\r\n\r\n'));
  const inspected = inspectHeaders(headers);
  assert.equal(inspected.subject, 'Grüße aus Köln');
  assert.deepEqual(inspected.from, ['jörg@bücher.example']);
  assert.equal(fromDomainOf(inspected), 'xn--bcher-kva.example');
});
