/**
 * One SMTP transaction for a job, shared by the smarthost and MX deliverers:
 * the message goes as spooled, with an envelope built only from the queue's
 * addresses, so no parameter a client supplied (NOTIFY, ORCPT, SIZE, BODY…)
 * is ever copied upstream (GHSA-c7w3-x93f-qmm8); DKIM-signed when a key for
 * the From domain is configured. Both clients turn bare CR and LF into CRLF
 * and dot-stuff, so no `\n.\n` in a body can end the message early upstream
 * (SMTP smuggling).
 */
import { domainToASCII, domainToUnicode } from 'node:url';
import type { SMTPPoolOptions, SMTPPoolSentMessageInfo, Transporter } from 'nodemailer';
import type { DkimKey } from '../protocol.js';
import { signedBody } from './dkim-stream.js';
import { isVerdict, resultsFromError, resultsFromInfo, type SentInfo } from './outcome.js';
import type { DeliveryJob, RecipientResult } from './types.js';

export type Pool = Transporter<SMTPPoolSentMessageInfo, SMTPPoolOptions>;

export interface Attempt {
  results: RecipientResult[];
  /** false when no server judged the message (no connection, TLS or greeting failed, timeout). */
  answered: boolean;
}

/**
 * Domains already converted. domainToASCII runs all of UTS #46 (~1 µs a
 * call, more in a busy relay) and each message asked it again about every
 * configured DKIM key's domain: with 20 keys, 1.3% of the relay's CPU in W2.
 * The same few domains recur; the map is emptied when full, so a relay that
 * mails many domains does not grow it.
 */
const asciiDomains = new Map<string, string>();
const ASCII_DOMAINS_KEPT = 1000;

/** The domain as DNS and nodemailer spell it: A-labels, lower case. */
export function asciiDomain(domain: string): string {
  let ascii = asciiDomains.get(domain);
  if (ascii === undefined) {
    ascii = domainToASCII(domain) || domain.toLowerCase();
    if (asciiDomains.size >= ASCII_DOMAINS_KEPT) asciiDomains.clear();
    asciiDomains.set(domain, ascii);
  }
  return ascii;
}

/**
 * The address as nodemailer will put it on the wire and report it back in
 * info.accepted: it lower-cases the domain and punycodes it unless the local
 * part needs SMTPUTF8. Results are matched on this form.
 */
export function wireAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return address;
  const local = address.slice(0, at);
  const ascii = asciiDomain(address.slice(at + 1));
  // eslint-disable-next-line no-control-regex -- the test is for anything outside ASCII
  return /[^\x00-\x7f]/.test(local) ? `${local}@${domainToUnicode(ascii) || ascii}` : `${local}@${ascii}`;
}

/** The From domain's keys (an RSA key, and an Ed25519 one where the admin turned it on); none when it has no key. */
export function dkimKeysFor(job: DeliveryJob, keys: DkimKey[]): DkimKey[] {
  if (!job.fromDomain) return [];
  const domain = asciiDomain(job.fromDomain);
  return keys.filter((k) => asciiDomain(k.domain) === domain);
}

/** Sends the job to the given (wire-form) recipients, signed with each of `dkim`; rejects like nodemailer does. */
export type Transaction = (to: string[], dkim: DkimKey[]) => Promise<SentInfo>;

/** nodemailer's pool as a Transaction (direct MX delivery). */
export function nodemailerTransaction(pool: Pool, job: DeliveryJob): Transaction {
  return async (to, dkim) =>
    pool.sendMail({
      envelope: {
        // false is the null reverse-path (MAIL FROM:<>) that bounces are sent with.
        from: job.from === '' ? false : job.from,
        to,
        // The spooled bytes may hold 8-bit text; BODY=8BITMIME (sent only where the server offers it) is right for 7-bit mail too.
        use8BitMime: true,
      },
      // Signed here rather than by nodemailer, whose signer holds the whole message in memory.
      raw: (await signedBody(job.body, dkim))(),
    });
}

/** The server a transaction goes to: `name` ("host:port") for the message's history, `context` in words for errors that carry no reply of their own. */
export interface Destination {
  name: string;
  context: string;
}

/** Sends the job to `recipients` and maps the outcome per recipient, in the order given, each marked with the server it came from. */
export async function sendJob(send: Transaction, job: DeliveryJob, recipients: string[], dkim: DkimKey[], to: Destination): Promise<Attempt> {
  const wire = recipients.map(wireAddress);
  const { name: remoteHost, context } = to;
  const restore = (results: RecipientResult[]) => results.map((r, i) => ({ ...r, recipient: recipients[i] ?? r.recipient, remoteHost }));
  try {
    const info = await send(wire, dkimKeysFor(job, dkim));
    return { results: restore(resultsFromInfo(wire, info)), answered: true };
  } catch (err) {
    return { results: restore(resultsFromError(wire, err, context)), answered: isVerdict(err) };
  }
}
