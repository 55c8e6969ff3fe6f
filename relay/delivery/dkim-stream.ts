/**
 * DKIM signing that never holds a whole message: nodemailer's signer keeps
 * every byte in memory while it hashes the body (unless given a cache
 * folder, where it would write the message a second time). A spooled message
 * can simply be read twice: once to hash its body, once to send it behind the
 * signature. An RSA signature is nodemailer's own (relaxed/relaxed, sha256),
 * byte for byte what its signer produces; a domain that also has an Ed25519
 * key gets a second signature from it (./dkim-ed25519.ts) over the same hash
 * of the body.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import MessageParser, { type Header } from 'nodemailer/lib/dkim/message-parser';
import RelaxedBody from 'nodemailer/lib/dkim/relaxed-body';
import sign from 'nodemailer/lib/dkim/sign';
import type { DkimKey } from '../protocol.js';
import { ed25519Signature } from './dkim-ed25519.js';

const HASH = 'sha256';

/**
 * Each key parsed from its PEM once: signing with the PEM text parses it on
 * every message, which made an RSA-2048 signature cost ~1 ms instead of
 * ~0.3 ms. Keyed by the configuration's own key object, which a new
 * configuration replaces rather than edits.
 */
const parsedKeys = new WeakMap<DkimKey, KeyObject>();

function privateKeyOf(key: DkimKey): KeyObject {
  let parsed = parsedKeys.get(key);
  if (!parsed) {
    parsed = createPrivateKey(key.privateKey);
    parsedKeys.set(key, parsed);
  }
  return parsed;
}

/** The message behind a DKIM-Signature header per key (one pass to hash, one to send); `body` is called once per pass. */
export function signedBody(body: () => Buffer | Readable, keys: DkimKey[]): Readable {
  return Readable.from(signed(body, keys), { objectMode: false });
}

async function* signed(body: () => Buffer | Readable, keys: DkimKey[]): AsyncGenerator<Buffer> {
  const signatures = await signaturesOf(body(), keys);
  if (signatures.length > 0) yield Buffer.from(signatures.map((s) => `${s}\r\n`).join(''));
  const again = body();
  if (Buffer.isBuffer(again)) yield again;
  else for await (const chunk of again) yield chunk as Buffer;
}

/** Reads the message once, keeping only its header block and the running body hash, and signs it with each key (a key that cannot sign is left out). */
export async function signaturesOf(message: Buffer | Readable, keys: DkimKey[]): Promise<string[]> {
  const parser = new MessageParser();
  const relaxed = new RelaxedBody({ hashAlgo: HASH });
  let headers: Header[] = [];
  let bodyHash = '';
  parser.on('headers', (value: Header[]) => (headers = value));
  relaxed.on('hash', (value: string) => (bodyHash = value));
  const drop = new Writable({ write: (_chunk, _encoding, done) => done() });
  await pipeline(Buffer.isBuffer(message) ? Readable.from([message]) : message, parser, relaxed, drop);
  return keys.flatMap((key) => {
    const privateKey = privateKeyOf(key);
    const signature =
      privateKey.asymmetricKeyType === 'ed25519'
        ? ed25519Signature(headers, bodyHash, { domain: key.domain, selector: key.selector, key: privateKey })
        : sign(headers, HASH, bodyHash, { domainName: key.domain, keySelector: key.selector, privateKey });
    return signature ? [signature] : [];
  });
}
