/**
 * Ed25519-SHA256 DKIM signatures (RFC 8463). nodemailer's signer only makes
 * RSA ones, so the header is built here, over the same fields, canonicalized
 * by nodemailer's own relaxed-header code so both signatures cover the same
 * bytes. Receivers that do not know Ed25519 ignore this signature (RFC 6376
 * 6.1.1) and check the RSA one the relay always adds beside it.
 */
import { createHash, sign, type KeyObject } from 'node:crypto';
import type { Header } from 'nodemailer/lib/dkim/message-parser';
import rsaSign from 'nodemailer/lib/dkim/sign';
import { foldLines } from 'nodemailer/lib/mime-funcs';

/** The fields nodemailer's RSA signer covers (RFC 6376 5.4.1's list and List-Unsubscribe-Post), so both signatures cover the same. */
const FIELD_NAMES =
  'From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:Content-Transfer-Encoding:Content-ID:' +
  'Content-Description:Resent-Date:Resent-From:Resent-Sender:Resent-To:Resent-Cc:Resent-Message-ID:In-Reply-To:References:' +
  'List-Id:List-Help:List-Unsubscribe:List-Unsubscribe-Post:List-Subscribe:List-Post:List-Owner:List-Archive:OTP-Token';

/** nodemailer's relaxed canonicalization of the header block; its published types describe this function wrongly. */
const relaxedHeaders = (rsaSign as unknown as { relaxedHeaders: (headers: Header[], fieldNames: string) => { headers: string; fieldNames: string } }).relaxedHeaders;

/** RFC 6376 3.4.2 for one header line: unfolded, whitespace runs as one space, none around the colon or at the end. */
function relaxedValue(line: string): string {
  return line
    .slice(line.indexOf(':') + 1)
    .replace(/\r?\n/g, '')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
}

/** The DKIM-Signature header line (without its CRLF) for the message whose header block and relaxed body hash are given. */
export function ed25519Signature(headers: Header[], bodyHash: string, signer: { domain: string; selector: string; key: KeyObject }): string {
  const covered = relaxedHeaders(headers, FIELD_NAMES);
  const tags = ['v=1', 'a=ed25519-sha256', 'c=relaxed/relaxed', `d=${signer.domain}`, 'q=dns/txt', `s=${signer.selector}`, `bh=${bodyHash}`, `h=${covered.fieldNames}`];
  const unsigned = `${foldLines(`DKIM-Signature: ${tags.join('; ')}`, 76)};\r\n b=`;
  // RFC 8463 3: PureEdDSA over the SHA-256 of what RFC 6376 3.7 hashes (the covered headers, then this header with b= empty).
  const digest = createHash('sha256').update(`${covered.headers}dkim-signature:${relaxedValue(unsigned)}`, 'latin1').digest();
  const b = sign(null, digest, signer.key).toString('base64');
  return unsigned + b.replace(/(^.{73}|.{75}(?!$))/g, '$&\r\n ').trim();
}
