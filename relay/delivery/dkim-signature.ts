/**
 * DKIM-Signature header lines: RSA-SHA256 (RFC 6376) and Ed25519-SHA256
 * (RFC 8463), made here rather than by nodemailer's signer, which makes RSA
 * ones only and synchronously: an RSA-2048 signature takes ~0.45 ms, and on
 * the event loop every session waited behind each one. Here the signature is
 * made on libuv's thread pool (crypto.sign with a callback). The header is
 * nodemailer's byte for byte: the same fields, its relaxed canonicalization
 * and its folding (relay/test/dkim-stream.test.ts compares with its signer).
 * Receivers that do not know Ed25519 ignore that signature (RFC 6376 6.1.1)
 * and check the RSA one the relay always adds beside it.
 */
import { createHash, sign, type KeyObject } from 'node:crypto';
import type { Header } from 'nodemailer/lib/dkim/message-parser';
import rsaSign from 'nodemailer/lib/dkim/sign';
import { foldLines } from 'nodemailer/lib/mime-funcs';

/** The fields nodemailer's RSA signer covers (RFC 6376 5.4.1's list and List-Unsubscribe-Post). */
const FIELD_NAMES =
  'From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:Content-Transfer-Encoding:Content-ID:' +
  'Content-Description:Resent-Date:Resent-From:Resent-Sender:Resent-To:Resent-Cc:Resent-Message-ID:In-Reply-To:References:' +
  'List-Id:List-Help:List-Unsubscribe:List-Unsubscribe-Post:List-Subscribe:List-Post:List-Owner:List-Archive:OTP-Token';

/** nodemailer's relaxed canonicalization of the header block; its published types describe this function wrongly. */
const relaxedHeaders = (rsaSign as unknown as { relaxedHeaders: (headers: Header[], fieldNames: string) => { headers: string; fieldNames: string } }).relaxedHeaders;

/** A domain's key, parsed, and the d= and s= values it signs with (as nodemailer writes them: A-labels, no delimiters). */
export interface DkimSigner {
  domain: string;
  selector: string;
  key: KeyObject;
}

/** RFC 6376 3.4.2 for one header line: unfolded, whitespace runs as one space, none around the colon or at the end. */
function relaxedValue(line: string): string {
  return line
    .slice(line.indexOf(':') + 1)
    .replace(/\r?\n/g, '')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
}

function signOnThreadPool(algorithm: string | null, data: Buffer, key: KeyObject): Promise<Buffer> {
  return new Promise((resolve, reject) => sign(algorithm, data, key, (err, signature) => (err ? reject(err) : resolve(signature))));
}

/** The DKIM-Signature header line (without its CRLF) for the message whose header block and relaxed body hash are given. */
export async function dkimSignature(headers: Header[], bodyHash: string, signer: DkimSigner): Promise<string> {
  const ed25519 = signer.key.asymmetricKeyType === 'ed25519';
  const covered = relaxedHeaders(headers, FIELD_NAMES);
  const tags = [
    'v=1',
    ed25519 ? 'a=ed25519-sha256' : 'a=rsa-sha256',
    'c=relaxed/relaxed',
    `d=${signer.domain}`,
    'q=dns/txt',
    `s=${signer.selector}`,
    `bh=${bodyHash}`,
    `h=${covered.fieldNames}`,
  ];
  const unsigned = `${foldLines(`DKIM-Signature: ${tags.join('; ')}`, 76)};\r\n b=`;
  // RFC 6376 3.7: the covered headers, then this header with b= empty; RFC 8463 3: Ed25519 signs their SHA-256.
  const hashed = Buffer.from(`${covered.headers}dkim-signature:${relaxedValue(unsigned)}`, 'latin1');
  const b = ed25519 ? await signOnThreadPool(null, createHash('sha256').update(hashed).digest(), signer.key) : await signOnThreadPool('sha256', hashed, signer.key);
  return unsigned + b.toString('base64').replace(/(^.{73}|.{75}(?!$))/g, '$&\r\n ').trim();
}
