/**
 * The corpus's property over generated headers: whatever the relay's reading
 * of From and Sender accepts, Python's `email` and Email::Address::XS read as
 * authorized senders only, and only among the mailboxes the relay checked.
 * The cases run through the relay's own message stream and sender check in
 * this process (the relay uses these very modules; the corpus test drives
 * the real relay), then through each external reader in one batch. The seed
 * is fixed and printed with any failure: FUZZ_SEED and FUZZ_RUNS change it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { domainToASCII } from 'node:url';
import fc from 'fast-check';
import type { RelayUser } from '../../relay/protocol.js';
import { inspectHeaders } from '../../relay/session/message-headers.js';
import { MessageStream } from '../../relay/session/message-stream.js';
import type { SmtpReply } from '../../relay/session/replies.js';
import { senderFieldsRefusal } from '../../relay/session/sender-fields.js';
import { AUTHORIZED_DOMAIN } from '../fixtures/sender-corpus.js';
import { generatedMessage, senderHeaders, type GeneratedHeaders } from '../fixtures/sender-grammar.js';
import { foreignReadings, readSenders, type ReadMessage } from '../fixtures/sender-readers.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const RUNS = Number(process.env.FUZZ_RUNS ?? 800);

const USER: RelayUser = {
  name: 's512_1',
  active: true,
  verifier: 'unused: no login here',
  priority: 3,
  list: 'SMTP+',
  senders: [{ kind: 'domain', value: AUTHORIZED_DOMAIN, verified: true }],
  trustedClients: [],
  rateLimitPerHour: null,
};

interface Verdict {
  refusal: SmtpReply | null;
  /** What the relay would pass on: the message after its stream (line endings made CRLF). */
  passed: Buffer;
  /** The From and Sender addresses the relay authorized. */
  addresses: string[];
}

/** The relay's verdict, through the same stream and check its DATA handler uses. */
async function relayVerdict(raw: Buffer): Promise<Verdict> {
  let refusal: SmtpReply | null = null;
  let addresses: string[] = [];
  const stream = new MessageStream({
    maxHeaderBytes: 1024 * 1024,
    discard: () => false,
    onHeaders: (headers) => {
      const inspected = inspectHeaders(headers);
      refusal = senderFieldsRefusal(inspected.senders, USER);
      addresses = [...inspected.from, ...inspected.sender];
      return Buffer.alloc(0);
    },
  });
  stream.end(raw);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return { refusal, passed: Buffer.concat(chunks), addresses };
}

/** An address as both sides are compared: the domain in IDN ASCII form, all lower case. */
function comparable(local: string, domain: string): string {
  return `${local}@${domainToASCII(domain.toLowerCase()) || domain}`.toLowerCase();
}

/** The addresses a reader read in a message, From and Sender together, in order. */
function addressesRead(message: ReadMessage): string[] {
  return message.fields.flatMap((f) => f.addresses.map((a) => comparable(a.local ?? '', a.domain ?? '')));
}

test(`generated From and Sender headers (seed ${SEED}, ${RUNS} cases): what the relay accepts, Python and Perl read only as authorized mailboxes it checked`, async (t) => {
  const cases: GeneratedHeaders[] = fc.sample(senderHeaders, { seed: SEED, numRuns: RUNS });
  const verdicts = await Promise.all(cases.map((c, i) => relayVerdict(generatedMessage(c, i))));
  const accepted = verdicts.flatMap((v, i) => (v.refusal === null ? [i] : []));
  const describe = (i: number) => `seed ${SEED}, case #${i}: ${JSON.stringify(cases[i])}`;
  t.diagnostic(`${accepted.length} of ${cases.length} accepted`);
  assert.ok(accepted.length >= RUNS / 5, `only ${accepted.length} of ${RUNS} cases accepted: the property would say little`);
  assert.ok(accepted.length <= RUNS - RUNS / 5, `${accepted.length} of ${RUNS} cases accepted: the noise is not reaching the check`);

  const batch = accepted.map((i) => ({ id: String(i), raw: verdicts[i]?.passed ?? Buffer.alloc(0) }));
  const [python, perl] = await Promise.all([readSenders('python', batch), readSenders('perl', batch)]);
  const failures: string[] = [];
  const fewer: string[] = [];
  for (const [reader, read] of [['python', python], ['perl', perl]] as const) {
    assert.equal(read.length, accepted.length, `${reader} read every accepted case`);
    for (const message of read) {
      const index = Number(message.id);
      const { foreign } = foreignReadings(message, AUTHORIZED_DOMAIN);
      if (foreign.length > 0) failures.push(`${reader} read ${foreign.join('; ')} in ${describe(index)}`);
      const expected = (verdicts[index]?.addresses ?? []).map((a) => comparable(a.slice(0, a.lastIndexOf('@')), a.slice(a.lastIndexOf('@') + 1)));
      const got = addressesRead(message);
      if (got.some((a) => !expected.includes(a))) failures.push(`${reader} read ${JSON.stringify(got)}, the relay checked ${JSON.stringify(expected)}, in ${describe(index)}`);
      // Fewer is no harm: a line that is no header field ends the header block for Python, and a Sender after it is body to Python.
      else if (got.length !== expected.length) fewer.push(`${reader}: ${describe(index)}`);
    }
  }
  for (const line of fewer) t.diagnostic(`read fewer addresses than the relay checked: ${line}`);
  assert.deepEqual(failures, []);
});
