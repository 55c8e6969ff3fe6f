/**
 * A 20 MB message given a footer: the relay still streams it (its peak
 * memory no higher than for the same message without one), the attachment
 * arrives byte for byte, and the relay's DKIM signature covers the final
 * bytes, footer included: dkimpy, the verifier no one here wrote, accepts it.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { dkimKey, verifyDkim } from '../fixtures/dkim.js';
import { startDns } from '../fixtures/dns.js';
import { contentOf, deliveredReading, listProperties } from '../fixtures/message-properties.js';
import { relayUser, startRelayChild, type RelayChild } from '../fixtures/relay-child.js';
import { smtplibSend } from '../fixtures/smtp-clients.js';
import { smarthostTo, startUpstream } from '../fixtures/upstream.js';

const USER = { name: 's171_0', password: 'Large.pw-171' };
const FROM = 'scanner@office.example';
const FOOTER = { on: true, text: 'Scanned at the Acme office', html: '<p>Scanned at the Acme office</p>' };

/** The relay child's peak resident memory (VmHWM), in MB. */
async function peakMemoryMb(relay: RelayChild): Promise<number> {
  const status = await readFile(`/proc/${relay.child.pid ?? 0}/status`, 'utf8');
  const kb = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
  assert.ok(kb, status);
  return Number(kb) / 1024;
}

function bigMessage(scan: Buffer): Buffer {
  const lines = [
    `From: Scanner <${FROM}>`,
    'To: <archive@example.org>',
    'Subject: Big scan',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary=big',
    '',
    '--big',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'The scan is attached.',
    '--big',
    'Content-Type: image/tiff; name="scan.tif"',
    'Content-Disposition: attachment; filename="scan.tif"',
    'Content-Transfer-Encoding: base64',
    '',
    scan.toString('base64').replace(/.{76}/g, '$&\r\n').trimEnd(),
    '--big--',
    '',
  ];
  return Buffer.from(lines.join('\r\n'));
}

test('a 20 MB message with a footer streams through, its attachment intact, DKIM-signed over its final bytes, memory as without a footer', async (t) => {
  const office = dkimKey('office.example', 'relay2026');
  const dns = await startDns(t, { [office.record.name]: [office.record.value] });
  const scan = Buffer.from(Array.from({ length: 15 * 1024 * 1024 }, (_, i) => (i * 7 + (i >> 12)) % 256));
  const sent = bigMessage(scan);
  assert.ok(sent.length > 19 * 1024 * 1024);

  const peaks: number[] = [];
  for (const withFooter of [false, true]) {
    const upstream = await startUpstream(t);
    const relay = await startRelayChild(t, {
      users: [await relayUser(USER)],
      delivery: smarthostTo(upstream),
      dkim: [office.key],
      limits: { maxMessageBytes: 25 * 1024 * 1024 },
      messageProperties: withFooter ? [listProperties({}, FOOTER)] : [],
    });
    const [result] = await smtplibSend({ port: relay.port, user: USER.name, password: USER.password, from: FROM, to: ['archive@example.org'], messages: [sent] });
    assert.deepEqual(result, { ok: true, refused: {} });
    const { id } = await relay.waitForEvent('accepted');
    const { received, reading } = await deliveredReading(relay, upstream, id, 120_000);
    peaks.push(await peakMemoryMb(relay));
    const { texts, octets } = contentOf(reading);
    assert.equal(texts[0], withFooter ? `The scan is attached.\n${FOOTER.text}\n` : 'The scan is attached.');
    assert.ok(octets[0]?.equals(scan), 'the 15 MB attachment arrives byte for byte');
    if (withFooter) {
      const verified = await verifyDkim(received.raw, dns);
      assert.equal(verified.ok, true, verified.output);
    }
  }
  const [without, withFooter] = peaks as [number, number];
  t.diagnostic(`relay VmHWM: ${without.toFixed(1)} MB without a footer, ${withFooter.toFixed(1)} MB with (20 MB messages)`);
  assert.ok(withFooter <= without * 1.25, `peak ${withFooter.toFixed(1)} MB against ${without.toFixed(1)} MB without a footer`);
});
