/**
 * The relay's TLS certificate: the self-signed one made on first run (or on
 * request), the admin's own one checked before it replaces it, and the view
 * of either that the Server page shows. A generated certificate has an ECDSA
 * twin served beside it; an imported one is served alone. Certificates are
 * public and live in the settings; their private keys live only in the vault.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { ApiError } from '../../../api/contract.js';
import type { ServerView } from '../../../api/schemas/server.js';
import { errorMessage } from '../../../../relay/shared/errors.js';

export type CertificateView = NonNullable<ServerView['tls']>;

export interface CertificatePair {
  /** PEM certificate (a chain: the server's certificate first). */
  cert: string;
  /** PEM private key (PKCS#8). */
  key: string;
}

const DAY_MS = 24 * 3600_000;
/** About two years: long enough not to bother the admin, short enough that clients still accept it. */
export const GENERATED_VALIDITY_DAYS = 730;
/** Clocks of the devices that connect are not all right; the certificate is valid from a little earlier. */
const BACKDATE_MS = 3600_000;

const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

/** A host name that can go into a certificate as a DNS name (letters, digits, hyphens, dots). */
export function isDnsName(name: string): boolean {
  return name.length > 0 && name.length <= 253 && isIP(name) === 0 && name.split('.').every((label) => DNS_LABEL.test(label));
}

/** What the generated certificate and its ECDSA twin share: names and validity. */
interface GeneratedSpec {
  dnsNames: string[];
  ipNames: string[];
  notBeforeDate: Date;
  notAfterDate: Date;
}

/**
 * The generated certificate in two kinds with the same names and validity:
 * RSA for old devices, ECDSA P-256 for every client that supports it (a TLS
 * handshake with it costs the relay about a third less CPU).
 */
export interface GeneratedCertificate {
  rsa: CertificatePair;
  ecdsa: CertificatePair;
}

/**
 * A new self-signed certificate (RSA 2048 and its ECDSA P-256 twin, SHA-256,
 * about two years) for this machine's name, "localhost", its LAN addresses
 * and 127.0.0.1. The key pairs are made with WebCrypto, off the event loop.
 */
export async function generateCertificate(hostname: string, ips: readonly string[], now = new Date()): Promise<GeneratedCertificate> {
  const spec: GeneratedSpec = {
    dnsNames: unique([hostname, 'localhost'].filter(isDnsName).map((n) => n.toLowerCase())),
    ipNames: unique([...(isIP(hostname) ? [hostname] : []), ...ips, '127.0.0.1'].filter((ip) => isIP(ip) !== 0)),
    notBeforeDate: new Date(now.getTime() - BACKDATE_MS),
    notAfterDate: new Date(now.getTime() + GENERATED_VALIDITY_DAYS * DAY_MS),
  };
  const [rsa, ecdsa] = await Promise.all([selfSigned(spec, 'rsa'), selfSigned(spec, 'ec')]);
  return { rsa, ecdsa };
}

/**
 * The ECDSA twin of a generated RSA certificate made before there were twins:
 * its names and validity read from the RSA one, so both end together.
 */
export function generateEcdsaTwin(rsaCert: string): Promise<CertificatePair> {
  const x509 = new X509Certificate(certificateBlocks(rsaCert)[0] ?? rsaCert);
  const names = parseSubjectAltName(x509.subjectAltName);
  return selfSigned(
    {
      dnsNames: names.filter((n) => isIP(n) === 0),
      ipNames: names.filter((n) => isIP(n) !== 0),
      notBeforeDate: new Date(x509.validFrom),
      notAfterDate: new Date(x509.validTo),
    },
    'ec',
  );
}

async function selfSigned(spec: GeneratedSpec, keyType: 'rsa' | 'ec'): Promise<CertificatePair> {
  // Loaded when a certificate is made (first run, or on request), not at every start: ~0.1–0.3 s of module loading.
  const { generate } = await import('selfsigned');
  const pems = await generate(
    [
      { name: 'commonName', value: spec.dnsNames[0] ?? 'localhost' },
      { name: 'organizationName', value: 'Relay Desk (self-signed)' },
    ],
    {
      ...(keyType === 'rsa' ? { keyType, keySize: 2048 } : { keyType, curve: 'P-256' as const }),
      algorithm: 'sha256',
      notBeforeDate: spec.notBeforeDate,
      notAfterDate: spec.notAfterDate,
      extensions: [
        { name: 'basicConstraints', cA: false },
        // An ECDSA key only signs; an RSA key may also be used for TLS 1.2's RSA key exchange.
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: keyType === 'rsa' },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [...spec.dnsNames.map((value) => ({ type: 2 as const, value })), ...spec.ipNames.map((ip) => ({ type: 7 as const, ip }))],
        },
      ],
    },
  );
  return { cert: pems.cert, key: pkcs8(createPrivateKey(pems.private)) };
}

function pkcs8(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The certificates of a PEM text, in order; anything else in it (a key pasted along) is left out. */
export function certificateBlocks(pem: string): string[] {
  return pem.match(CERT_BLOCK) ?? [];
}

/** X509Certificate's dates ("Jan  1 00:00:00 2026 GMT") as ISO 8601. */
export function isoDate(opensslDate: string): string {
  const date = new Date(opensslDate);
  return Number.isNaN(date.getTime()) ? opensslDate : date.toISOString();
}

/**
 * The names in a certificate's subjectAltName as Node prints it
 * ("DNS:a.example, IP Address:127.0.0.1, DNS:\"odd, name\""): DNS names and
 * IP addresses only, in order.
 */
export function parseSubjectAltName(text: string | undefined): string[] {
  if (!text) return [];
  const names: string[] = [];
  const entry = /\s*([A-Za-z ]+):("(?:[^"\\]|\\.)*"|[^,]*)(?:,|$)/g;
  for (const match of text.matchAll(entry)) {
    const [, kind = '', raw = ''] = match;
    if (kind !== 'DNS' && kind !== 'IP Address') continue;
    let value = raw.trim();
    if (value.startsWith('"')) {
      try {
        value = JSON.parse(value) as string;
      } catch {
        continue;
      }
    }
    if (value) names.push(kind === 'IP Address' ? compactIp(value) : value);
  }
  return names;
}

/** OpenSSL prints IPv6 addresses in full ("0:0:0:0:0:0:0:1"); people write "::1". */
function compactIp(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  try {
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  } catch {
    return ip;
  }
}

/** The subject's common name, for certificates without subjectAltName. */
function commonName(subject: string): string | null {
  const line = subject.split('\n').find((l) => l.startsWith('CN='));
  return line ? line.slice(3) : null;
}

/** OpenSSL's names of the NIST curves, as people know them. */
const CURVE_NAMES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/** A certificate's key as the Server page names it: "RSA-2048", "ECDSA P-256", "ED25519". */
function keyAlgorithm(x509: X509Certificate): string {
  const { asymmetricKeyType: type, asymmetricKeyDetails: details } = x509.publicKey;
  if (type === 'rsa' || type === 'rsa-pss') return `RSA-${details?.modulusLength ?? '?'}`;
  if (type === 'ec') return `ECDSA ${CURVE_NAMES[details?.namedCurve ?? ''] ?? details?.namedCurve ?? ''}`.trim();
  return (type ?? 'unknown').toUpperCase();
}

function readCertificate(pem: string | null): X509Certificate | null {
  const first = pem ? certificateBlocks(pem)[0] : undefined;
  if (!first) return null;
  try {
    return new X509Certificate(first);
  } catch {
    return null;
  }
}

function earlier(a: string, b: string): string {
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

function later(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/**
 * What the Server page shows of a certificate (and of the ECDSA twin offered
 * beside a generated one); null when the stored text is not a certificate at
 * all. With a twin, the validity is where both are valid, so expiry warnings
 * count the one that ends first.
 */
export function certificateView(pem: string, source: CertificateView['source'], ecdsaPem: string | null = null): CertificateView | null {
  const x509 = readCertificate(pem);
  if (!x509) return null;
  const twin = readCertificate(ecdsaPem);
  const sanNames = parseSubjectAltName(x509.subjectAltName);
  const cn = commonName(x509.subject);
  const notBefore = isoDate(x509.validFrom);
  const notAfter = isoDate(x509.validTo);
  return {
    source,
    fingerprint: x509.fingerprint256,
    ecdsaFingerprint: twin?.fingerprint256 ?? null,
    algorithms: twin ? [keyAlgorithm(x509), keyAlgorithm(twin)] : [keyAlgorithm(x509)],
    names: sanNames.length > 0 ? sanNames : cn ? [cn] : [],
    notBefore: twin ? later(notBefore, isoDate(twin.validFrom)) : notBefore,
    notAfter: twin ? earlier(notAfter, isoDate(twin.validTo)) : notAfter,
  };
}

/** The view of the certificate as the settings keep it. */
export function storedCertificateView(tls: { source: CertificateView['source']; cert: string; ecdsaCert: string | null } | null): CertificateView | null {
  return tls ? certificateView(tls.cert, tls.source, tls.ecdsaCert) : null;
}

/** Whether `key` is the private key of the first certificate in `pem`. */
export function keyMatches(pem: string, key: string): boolean {
  const x509 = readCertificate(pem);
  if (!x509) return false;
  try {
    return x509.checkPrivateKey(createPrivateKey(key));
  } catch {
    return false;
  }
}

function reason(err: unknown): string {
  const message = errorMessage(err);
  // OpenSSL's "error:1E08010C:DECODER routines::unsupported" says little beyond its last words.
  return message.replace(/^error:[0-9A-F]+:/i, '').replace(/^[A-Za-z0-9 ]*routines::/, '');
}

function day(date: Date): string {
  return date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

function parseCertificate(text: string): X509Certificate[] {
  const blocks = certificateBlocks(text);
  if (blocks.length === 0) {
    const hint = /PRIVATE KEY-----/.test(text)
      ? 'this is a private key; paste it in the key field, and the certificate here'
      : 'a PEM certificate starts with -----BEGIN CERTIFICATE-----';
    throw new ApiError('invalid_certificate', `This is not a certificate: ${hint}.`, 'cert');
  }
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch (err) {
      const which = blocks.length > 1 ? `Certificate ${i + 1} of ${blocks.length}` : 'The certificate';
      throw new ApiError('invalid_certificate', `${which} cannot be read (${reason(err)}); paste the whole PEM text, unchanged.`, 'cert');
    }
  });
}

function parseKey(text: string): KeyObject {
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    const hint = /-----BEGIN CERTIFICATE-----/.test(text)
      ? 'this is a certificate; paste the private key that belongs to it here'
      : /-----BEGIN [A-Z ]*PUBLIC KEY-----/.test(text)
        ? 'this is a public key; the private key is needed'
        : 'a PEM private key starts with -----BEGIN PRIVATE KEY----- (or RSA/EC PRIVATE KEY)';
    throw new ApiError('invalid_key', `This is not a private key: ${hint}.`, 'key');
  }
  if (/ENCRYPTED/.test(text)) {
    throw new ApiError(
      'invalid_key',
      'The private key is protected by a passphrase, which the relay cannot type in. Export it without one (for example: openssl pkey -in key.pem -out key-plain.pem).',
      'key',
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(text);
  } catch (err) {
    throw new ApiError('invalid_key', `The private key cannot be read (${reason(err)}); paste the whole PEM text, unchanged.`, 'key');
  }
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (key.asymmetricKeyType === 'rsa' && bits !== undefined && bits < 2048) {
    throw new ApiError('invalid_key', `The RSA key has ${bits} bits; mail clients refuse keys shorter than 2048 bits.`, 'key');
  }
  return key;
}

/**
 * Checks a certificate and key the admin pasted and returns them normalised
 * (only the certificate blocks; the key as PKCS#8). Throws ApiError with
 * invalid_certificate, invalid_key, key_mismatch, certificate_expired or
 * certificate_not_yet_valid.
 */
export function checkImport(certText: string, keyText: string, now = new Date()): CertificatePair {
  const chain = parseCertificate(certText);
  const key = parseKey(keyText);
  const [leaf] = chain;
  if (!leaf) throw new ApiError('invalid_certificate', 'This is not a certificate.', 'cert');
  if (!leaf.checkPrivateKey(key)) {
    const other = chain.findIndex((c) => c.checkPrivateKey(key));
    throw new ApiError(
      'key_mismatch',
      other > 0
        ? `The key belongs to certificate ${other + 1} of the ${chain.length} pasted; put the server's own certificate first, then the ones that issued it.`
        : 'The private key does not belong to this certificate; paste the key that was made together with it.',
      'key',
    );
  }
  const from = new Date(leaf.validFrom);
  const to = new Date(leaf.validTo);
  if (to.getTime() < now.getTime()) {
    throw new ApiError('certificate_expired', `The certificate expired on ${day(to)}; renew it with whoever issued it and import the new one.`, 'cert');
  }
  if (from.getTime() > now.getTime()) {
    throw new ApiError(
      'certificate_not_yet_valid',
      `The certificate is valid only from ${day(from)}; mail clients would refuse it until then. Check this computer's clock, or import it later.`,
      'cert',
    );
  }
  return {
    cert: chain.map((c) => c.toString().trim()).join('\n') + '\n',
    key: pkcs8(key),
  };
}
