/**
 * The From/Sender check cannot be fooled by parser differences: a corpus of
 * crafted From and Sender headers goes through the real relay, sent by a user
 * authorized for company.com only, over one smtplib connection. Every verdict
 * must be the corpus's (legitimate forms accepted and delivered, the others
 * refused with the right code), and every message the relay accepted is read
 * back, as the upstream received it, by Python's `email` and by
 * Email::Address::XS (Dovecot's parser): neither may read any sender but an
 * authorized one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { relayUser, startRelayChild, type TestUser } from '../fixtures/relay-child.js';
import { AUTHORIZED_DOMAIN, corpusIndexOf, corpusMessage, SENDER_CORPUS } from '../fixtures/sender-corpus.js';
import { foreignReadings, readSenders, type ReadMessage } from '../fixtures/sender-readers.js';
import { smtplibSend, type SmtplibResult } from '../fixtures/smtp-clients.js';
import { smarthostTo, startUpstream, type ReceivedMessage } from '../fixtures/upstream.js';

const USER: TestUser = {
  name: 's512_0',
  password: 'Differ3nt.ial',
  senders: [{ kind: 'domain', value: AUTHORIZED_DOMAIN, verified: true }],
};

function describeResult(result: SmtplibResult | undefined): string {
  if (!result) return 'no reply';
  return result.ok ? 'accepted' : `${result.code} ${result.reply}`;
}

test('a corpus of crafted From and Sender headers through the real relay: Python and Perl read only authorized senders in what it accepts', async (t) => {
  assert.ok(SENDER_CORPUS.length >= 150, `the corpus has ${SENDER_CORPUS.length} entries`);
  assert.equal(new Set(SENDER_CORPUS.map((e) => e.name)).size, SENDER_CORPUS.length, 'entry names are unique');
  const upstream = await startUpstream(t);
  const relay = await startRelayChild(t, {
    users: [await relayUser(USER)],
    delivery: smarthostTo(upstream),
  });
  const results = await smtplibSend({
    port: relay.port,
    user: USER.name,
    password: USER.password,
    from: `john@${AUTHORIZED_DOMAIN}`,
    to: ['someone@example.org'],
    messages: SENDER_CORPUS.map(corpusMessage),
  });
  assert.equal(results.length, SENDER_CORPUS.length, 'one reply per message: the session held to the end');
  const accepted = SENDER_CORPUS.flatMap((_, i) => (results[i]?.ok ? [i] : []));

  await t.test('every verdict is the corpus verdict, with the reply code and words it names', () => {
    const wrong = SENDER_CORPUS.flatMap((entry, i) => {
      const result = results[i];
      const got = !result ? 'none' : result.ok ? 'accept' : result.code;
      const wordsMissing = entry.reply && result && !result.ok && !entry.reply.test(result.reply);
      if (got === entry.expect && !wordsMissing) return [];
      return [`#${i} ${JSON.stringify(entry.name)}: expected ${entry.expect}${entry.reply ? ` ${String(entry.reply)}` : ''}, got ${describeResult(result)}`];
    });
    assert.deepEqual(wrong, []);
  });

  await t.test('refusals carry the enhanced code of their kind: 5.7.1 for a deceptive sender, 5.6.0 for plain syntax', () => {
    const wrong = SENDER_CORPUS.flatMap((entry, i) => {
      const result = results[i];
      if (!result || result.ok) return [];
      const enhanced = result.code === 554 ? /^5\.6\.0 / : result.code === 550 ? /^5\.(7\.1|6\.0) / : /^$/;
      return enhanced.test(result.reply) ? [] : [`#${i} ${entry.name}: ${describeResult(result)}`];
    });
    assert.deepEqual(wrong, []);
  });

  await t.test('the legitimate forms are accepted and delivered, each once', async () => {
    const legitimate = SENDER_CORPUS.filter((e) => e.expect === 'accept').length;
    assert.ok(accepted.length >= legitimate, `accepted ${accepted.length} of ${legitimate} legitimate forms`);
    const delivered = await upstream.waitForMessages(accepted.length);
    assert.deepEqual(
      delivered.map((m) => corpusIndexOf(m.raw)).sort((a, b) => (a ?? -1) - (b ?? -1)),
      accepted,
    );
  });

  await t.test('what the relay accepted, Python and Email::Address::XS read as authorized senders only', async () => {
    const delivered: ReceivedMessage[] = await upstream.waitForMessages(accepted.length);
    const batch = delivered.map((m) => ({ id: String(corpusIndexOf(m.raw)), raw: m.raw }));
    const [python, perl] = await Promise.all([readSenders('python', batch), readSenders('perl', batch)]);
    const verdicts = (reader: string, read: ReadMessage[]) =>
      read.map((message) => ({ reader, entry: SENDER_CORPUS[Number(message.id)]?.name ?? message.id, ...foreignReadings(message, AUTHORIZED_DOMAIN) }));
    const all = [...verdicts('python', python), ...verdicts('perl', perl)];
    assert.equal(all.length, 2 * accepted.length, 'both readers read every accepted message');
    for (const { reader, entry, unreadable } of all) if (unreadable.length) t.diagnostic(`${reader} could not read part of ${entry}: ${unreadable.join('; ')}`);
    assert.deepEqual(
      all.filter((v) => v.foreign.length > 0).map((v) => `${v.reader} read in ${JSON.stringify(v.entry)}: ${v.foreign.join('; ')}`),
      [],
    );
    const readFrom = (read: ReadMessage[]) => read.filter((m) => m.fields.some((f) => f.field === 'From' && f.addresses.length > 0)).length;
    assert.equal(readFrom(python), accepted.length, 'Python found a From address in every accepted message');
    assert.equal(readFrom(perl), accepted.length, 'Perl found a From address in every accepted message');
  });

  await t.test('the issue\'s cases are refused: a display name that is another address, two unquoted @, a control character', () => {
    for (const name of ['From: evil@other.com <john@company.com>', 'From: "evil@other.com" <john@company.com>', 'From: john@evil.com@company.com', 'From: john@company.com\0evil@other.com']) {
      const index = SENDER_CORPUS.findIndex((e) => e.name === name);
      assert.ok(index >= 0, name);
      const result = results[index];
      assert.ok(result && !result.ok && result.code === 550, `${name}: ${describeResult(result)}`);
    }
  });
});
