/**
 * A list's header and footer on real messages, through the real relay to an
 * aiosmtpd upstream: messages built by Python's email package, nodemailer
 * and swaks (with attachments), in plain text, HTML only, alternative and
 * mixed, base64, quoted-printable and 8bit, UTF-8 and other charsets. What
 * the upstream gets is read by Python's email parser: no defects, the
 * header and footer where they belong, every attachment the octets sent.
 * X-SMTPAPI turns them off and on per message; an invalid one is refused.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { buildWithPython, contentOf, deliveredReading, listProperties, type PythonMessageSpec } from '../fixtures/message-properties.js';
import { relayUser, startRelayChild, type RelayChild } from '../fixtures/relay-child.js';
import { nodemailerSend, smtplibSend, swaks } from '../fixtures/smtp-clients.js';
import { tempDir } from '../fixtures/temp.js';
import { smarthostTo, startUpstream, type Upstream } from '../fixtures/upstream.js';
import type { ListProperties } from '../../relay/protocol.js';

const USER = { name: 's170_0', password: 'Footer.pw-17' };
const FROM = 'billing@office.example';
const TO = 'customer@example.org';

const HEADER = { text: 'Notice from Acme', html: '<p id="rd-header">Notice from Acme</p>' };
const FOOTER = { text: 'Acme B\u00fcro GmbH \u00b7 K\u00f6ln\nReply STOP to unsubscribe', html: '<p id="rd-footer">Acme B\u00fcro GmbH \u00b7 K\u00f6ln</p>' };
const BOTH_ON = listProperties({ on: true, ...HEADER }, { on: true, ...FOOTER });

async function setup(t: TestContext, properties: ListProperties = BOTH_ON): Promise<{ relay: RelayChild; upstream: Upstream }> {
  const upstream = await startUpstream(t);
  const relay = await startRelayChild(t, { users: [await relayUser(USER)], delivery: smarthostTo(upstream), messageProperties: [properties] });
  return { relay, upstream };
}

async function sendWithSmtplib(relay: RelayChild, message: Buffer, subject: string): Promise<string> {
  const [result] = await smtplibSend({ port: relay.port, user: USER.name, password: USER.password, from: FROM, to: [TO], messages: [message] });
  assert.deepEqual(result, { ok: true, refused: {} });
  return (await relay.waitForEvent('accepted', (e) => e.subject === subject)).id;
}

const textWith = (body: string) => `${HEADER.text}\n${body}${FOOTER.text}\n`;

function assertHtmlDecorated(html: string, inside: string): void {
  assert.ok(html.includes(`<body>${HEADER.html}`), `the HTML header follows <body>: ${html}`);
  assert.ok(html.includes(`${inside}${FOOTER.html}</body>`), `the HTML footer precedes </body>: ${html}`);
}

const PDF = Buffer.from(Array.from({ length: 40_000 }, (_, i) => (i * 31 + (i >> 7)) % 256));
const NOTES = Buffer.from('These notes are an attachment: no footer here.\n');
const HTML = '<!DOCTYPE html><html><head><title>Invoice</title></head><body><h1>Invoice 2026-17</h1></body></html>';

test('messages built by Python\'s email package: plain, HTML only, alternative, mixed with attachments, in base64, quoted-printable and 8bit', async (t) => {
  const { relay, upstream } = await setup(t);
  const base = { from: FROM, to: TO };
  const specs: PythonMessageSpec[] = [
    { ...base, subject: 'plain qp', text: 'Caf\u00e9 invoice attached.\n', cte: 'quoted-printable' },
    { ...base, subject: 'html base64', html: HTML, cte: 'base64' },
    { ...base, subject: 'alternative 8bit', text: 'Invoice 2026-17\n', html: HTML, cte: '8bit' },
    {
      ...base,
      subject: 'mixed',
      text: 'Your invoice and notes.\n',
      html: HTML,
      attachments: [
        { filename: 'invoice.pdf', content_type: 'application/pdf', content: PDF },
        { filename: 'notes.txt', content_type: 'text/plain', content: NOTES },
      ],
    },
  ];
  for (const spec of specs) {
    const id = await sendWithSmtplib(relay, await buildWithPython(spec), spec.subject);
    const { reading } = await deliveredReading(relay, upstream, id);
    const { texts, octets } = contentOf(reading);
    const html = texts.find((text) => text.includes('<html>'));
    if (spec.text !== undefined) assert.equal(texts[0], textWith(spec.text), spec.subject);
    if (spec.html !== undefined) assertHtmlDecorated(html ?? '', '<h1>Invoice 2026-17</h1>');
    if (spec.attachments) {
      assert.deepEqual(octets.map((o) => o.toString('base64')), [PDF.toString('base64'), NOTES.toString('base64')], 'attachments byte for byte, the text attachment without a footer');
    }
  }
});

test('charsets: ISO-8859-1 keeps its charset when the footer fits it; KOI8-R text meets a footer it cannot hold and goes UTF-8', async (t) => {
  const { relay, upstream } = await setup(t);
  const latin = await buildWithPython({ from: FROM, to: TO, subject: 'latin', text: 'Gr\u00fc\u00dfe aus K\u00f6ln\n', charset: 'iso-8859-1', cte: 'quoted-printable' });
  const latinRead = (await deliveredReading(relay, upstream, await sendWithSmtplib(relay, latin, 'latin'))).reading;
  assert.equal(latinRead.parts[0]?.charset, 'iso-8859-1');
  assert.equal(contentOf(latinRead).texts[0], textWith('Gr\u00fc\u00dfe aus K\u00f6ln\n'));

  const russian = '\u041f\u0440\u0438\u0432\u0435\u0442 \u0438\u0437 \u041c\u043e\u0441\u043a\u0432\u044b\n';
  const koi8 = await buildWithPython({ from: FROM, to: TO, subject: 'koi8', text: russian, charset: 'koi8-r', cte: '8bit' });
  assert.match(koi8.toString('latin1'), /charset="?koi8-r"?/i);
  const koiRead = (await deliveredReading(relay, upstream, await sendWithSmtplib(relay, koi8, 'koi8'))).reading;
  assert.equal(koiRead.parts[0]?.charset, 'utf-8');
  assert.equal(contentOf(koiRead).texts[0], textWith(russian));
});

test('nodemailer, text and HTML with an attachment, base64 and quoted-printable text', async (t) => {
  const { relay, upstream } = await setup(t);
  for (const textEncoding of ['base64', 'quoted-printable'] as const) {
    const subject = `nodemailer ${textEncoding}`;
    await nodemailerSend({
      port: relay.port,
      auth: { user: USER.name, pass: USER.password },
      messages: [{ from: FROM, to: [TO], subject, text: 'Scan attached.', html: HTML, textEncoding, attachments: [{ filename: 'scan.pdf', content: PDF, contentType: 'application/pdf' }] }],
    });
    const id = (await relay.waitForEvent('accepted', (e) => e.subject === subject)).id;
    const { reading } = await deliveredReading(relay, upstream, id);
    const { texts, octets } = contentOf(reading);
    assert.equal(texts[0], textWith('Scan attached.\n'), textEncoding);
    assertHtmlDecorated(texts[1] ?? '', '<h1>Invoice 2026-17</h1>');
    assert.ok(octets[0]?.equals(PDF), 'the attachment is byte for byte');
  }
});

async function swaksAs(relay: RelayChild, args: string[]): Promise<Awaited<ReturnType<typeof swaks>>> {
  return swaks(relay.port, ['--from', FROM, '--to', TO, '--auth', 'PLAIN', '--auth-user', USER.name, '--auth-password', USER.password, ...args]);
}

const queuedId = (output: string) => /250 2\.0\.0 Ok: queued as ([0-9A-Z]+)/.exec(output)?.[1] ?? assert.fail(output.slice(-2000));

test('swaks with attachments: the body part gets the footer, the attachments are the octets of their files', async (t) => {
  const { relay, upstream } = await setup(t);
  const dir = await tempDir(t, 'swaks-attach');
  await writeFile(join(dir, 'scan.pdf'), PDF);
  await writeFile(join(dir, 'notes.txt'), NOTES);
  const sent = await swaksAs(relay, ['--header', 'Subject: swaks', '--body', 'See the scan.', '--attach-type', 'application/pdf', '--attach', `@${join(dir, 'scan.pdf')}`, '--attach-type', 'text/plain', '--attach', `@${join(dir, 'notes.txt')}`]);
  assert.equal(sent.code, 0, sent.output.slice(-2000));
  const { reading } = await deliveredReading(relay, upstream, queuedId(sent.output));
  const { texts, octets } = contentOf(reading);
  assert.equal(texts[0], textWith('See the scan.\n'));
  assert.deepEqual(octets.map((o) => o.toString('base64')), [PDF.toString('base64'), NOTES.toString('base64')]);
});

test('X-SMTPAPI: "Footer": false leaves out a footer that is on, "Header": true adds a header that is off; the header never reaches the upstream', async (t) => {
  const { relay, upstream } = await setup(t, listProperties({ on: false, ...HEADER }, { on: true, ...FOOTER }));
  const send = async (subject: string, api: string | null) => {
    const sent = await swaksAs(relay, ['--header', `Subject: ${subject}`, ...(api ? ['--header', `X-SMTPAPI: ${api}`] : []), '--body', 'Body.']);
    assert.equal(sent.code, 0, sent.output.slice(-2000));
    const { received, reading } = await deliveredReading(relay, upstream, queuedId(sent.output));
    assert.doesNotMatch(received.raw.toString('latin1'), /^X-SMTPAPI:/im);
    return contentOf(reading).texts[0];
  };
  // swaks ends its body with blank lines of its own: the message as sent, nothing added, is the yardstick.
  const body = await send('neither', '{"Header": false, "Footer": false}');
  assert.match(body ?? '', /^Body\.\n+$/);
  assert.equal(await send('as the list says', null), `${body}${FOOTER.text}\n`);
  assert.equal(await send('no footer', '{"Footer": false}'), body);
  assert.equal(await send('header forced', '{"Header": true, "CampaignCode": "Q4"}'), textWith(body ?? ''));
});

test('X-SMTPAPI asking for a header the list has not written adds nothing, and forces the footer it has written but switched off', async (t) => {
  const { relay, upstream } = await setup(t, listProperties({ on: false }, { on: false, ...FOOTER }));
  const sent = await swaksAs(relay, ['--header', 'Subject: forced', '--header', 'X-SMTPAPI: {"Header": true, "Footer": true}', '--body', 'Body.']);
  assert.equal(sent.code, 0, sent.output.slice(-2000));
  assert.match(contentOf((await deliveredReading(relay, upstream, queuedId(sent.output))).reading).texts[0] ?? '', new RegExp(`^Body\\.\\n+${FOOTER.text}\\n$`));
});

test('an invalid X-SMTPAPI is refused at the end of DATA with 554 5.6.0 saying what is wrong, and nothing is delivered', async (t) => {
  const { relay, upstream } = await setup(t);
  const cases: [string, string][] = [
    ['{"Footer": "no"}', '554 5.6.0 The X-SMTPAPI header is not valid: Footer must be true or false. Fix it or leave it out'],
    ['{Footer: false}', '554 5.6.0 The X-SMTPAPI header is not valid: it is not valid JSON. Fix it or leave it out'],
    ['{"footer": false}', '554 5.6.0 The X-SMTPAPI header is not valid: "footer" is not a known key (keys are case-sensitive: Footer). Fix it or leave it out'],
  ];
  for (const [api, reply] of cases) {
    const sent = await swaksAs(relay, ['--header', `X-SMTPAPI: ${api}`, '--body', 'Body.']);
    assert.notEqual(sent.code, 0);
    assert.ok(sent.output.includes(`<** ${reply}`), sent.output.slice(-1500));
  }
  const refused = await relay.waitForEvents('rejected', cases.length, (e) => e.stage === 'data');
  assert.deepEqual(
    refused.map((e) => e.code),
    [554, 554, 554],
  );
  assert.equal(relay.events.filter((e) => e.type === 'accepted').length, 0);
  assert.equal((await upstream.received()).length, 0);
});
