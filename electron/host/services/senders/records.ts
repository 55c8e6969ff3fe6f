/**
 * The DNS records a domain's admin publishes: the verification TXT record
 * that proves control of the domain, and the DKIM key record that lets
 * receivers check the relay's signatures.
 */
import { generateKeyPair, generateKeyPairSync, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { DnsRecord } from '../../../api/schemas/common.js';

export const VERIFICATION_PREFIX = '_relay-desk';
export const VERIFICATION_VALUE_PREFIX = 'relay-desk-verification=';
/** The selector of every RSA key Relay Desk makes; one key per verified domain. */
export const DKIM_SELECTOR = 'relaydesk';
/** The selector of a domain's Ed25519 key: a record of its own, since a selector names one key. */
export const DKIM_ED25519_SELECTOR = 'relaydesk-ed25519';

/** The key types a DKIM record's k= tag names (RFC 6376 3.6.1, RFC 8463). */
export type DkimKeyType = 'rsa' | 'ed25519';

/** A new random token: 24 bytes, 32 URL-safe characters (no comma, quote or space, so any DNS provider takes it). */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export function verificationName(domain: string): string {
  return `${VERIFICATION_PREFIX}.${domain}`;
}

export function verificationValue(token: string): string {
  return `${VERIFICATION_VALUE_PREFIX}${token}`;
}

export function verificationRecord(domain: string, token: string): DnsRecord {
  return { type: 'TXT', name: verificationName(domain), value: verificationValue(token) };
}

export function dkimName(domain: string, selector: string): string {
  return `${selector}._domainkey.${domain}`;
}

export function dkimValue(publicKey: string, type: DkimKeyType = 'rsa'): string {
  return `v=DKIM1; k=${type}; p=${publicKey}`;
}

export function dkimRecord(domain: string, selector: string, publicKey: string, type: DkimKeyType = 'rsa'): DnsRecord {
  return { type: 'TXT', name: dkimName(domain, selector), value: dkimValue(publicKey, type) };
}

/** The p= tag of a DKIM key record, whitespace removed (RFC 6376 3.6.1 allows folding inside it); null without one. */
export function dkimPublicKeyOf(record: string): string | null {
  for (const tag of record.split(';')) {
    const eq = tag.indexOf('=');
    if (eq < 0) continue;
    if (tag.slice(0, eq).trim() === 'p') return tag.slice(eq + 1).replace(/\s+/g, '');
  }
  return null;
}

export interface DkimKeyPair {
  /** PKCS#8 PEM, for the vault and the relay's signer. */
  privateKey: string;
  /** The p= tag's value: base64 of the SubjectPublicKeyInfo DER (RSA) or of the raw key (Ed25519). */
  publicKey: string;
}

const generateRsa = promisify(generateKeyPair);

/** A 2048-bit RSA key (RFC 8301's recommended size; the record still fits common DNS providers). */
export async function generateDkimKey(): Promise<DkimKeyPair> {
  const { privateKey, publicKey } = await generateRsa('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKey, publicKey: publicKey.toString('base64') };
}

/** An Ed25519 key (RFC 8463); its p= tag is the raw 32-byte public key, not a SubjectPublicKeyInfo. */
export function generateEd25519DkimKey(): DkimKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  return { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: raw.toString('base64') };
}
