/**
 * DKIM signing that never holds a whole message: nodemailer's signer keeps
 * every byte in memory while it hashes the body (unless given a cache
 * folder, where it would write the message a second time). A spooled message
 * can simply be read twice: once to hash its body, once to send it behind the
 * signature. The signature is nodemailer's own (relaxed/relaxed, sha256),
 * byte for byte what its signer produces.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import MessageParser, { type Header } from 'nodemailer/lib/dkim/message-parser';
import RelaxedBody from 'nodemailer/lib/dkim/relaxed-body';
import sign from 'nodemailer/lib/dkim/sign';
import type { DkimKey } from '../protocol.js';

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

/** The message behind its DKIM-Signature header; `body` is called once per pass. */
export function signedBody(body: () => Buffer | Readable, key: DkimKey): Readable {
  return Readable.from(signed(body, key), { objectMode: false });
}

async function* signed(body: () => Buffer | Readable, key: DkimKey): AsyncGenerator<Buffer> {
  const signature = await signatureOf(body(), key);
  if (signature) yield Buffer.from(`${signature}\r\n`);
  const again = body();
  if (Buffer.isBuffer(again)) yield again;
  else for await (const chunk of again) yield chunk as Buffer;
}

/** Reads the message once, keeping only its header block and the running body hash. */
export async function signatureOf(message: Buffer | Readable, key: DkimKey): Promise<string | false> {
  const parser = new MessageParser();
  const relaxed = new RelaxedBody({ hashAlgo: HASH });
  let headers: Header[] = [];
  let bodyHash = '';
  parser.on('headers', (value: Header[]) => (headers = value));
  relaxed.on('hash', (value: string) => (bodyHash = value));
  const drop = new Writable({ write: (_chunk, _encoding, done) => done() });
  await pipeline(Buffer.isBuffer(message) ? Readable.from([message]) : message, parser, relaxed, drop);
  return sign(headers, HASH, bodyHash, { domainName: key.domain, keySelector: key.selector, privateKey: privateKeyOf(key) });
}
