/**
 * A certificate credential for the app-only grant (Microsoft 365): instead of
 * a client secret, the token request carries a JWT signed with the app's
 * private key (RFC 7523 §2.2, "private_key_jwt"), as Microsoft documents it:
 * https://learn.microsoft.com/en-us/entra/identity-platform/certificate-credentials
 * (RS256; header x5t#S256, the certificate's SHA-256 thumbprint, and x5t,
 * its SHA-1 one; aud the token endpoint, iss = sub the client id, a unique
 * jti, a short exp). Signed with node:crypto: no JOSE library needed for one
 * algorithm. The pair lives in the vault as one entry; nothing here logs it.
 */
import { createHash, createPrivateKey, randomUUID, sign, X509Certificate, type KeyObject } from 'node:crypto';

export interface ClientCertificate {
  /** PEM. */
  certificate: string;
  /** PEM (PKCS#8 or PKCS#1). */
  privateKey: string;
}

/** An assertion is good this long: it is made for one request. */
const ASSERTION_LIFETIME_S = 300;

function parsed(pair: ClientCertificate): { cert: X509Certificate; key: KeyObject } {
  return { cert: new X509Certificate(pair.certificate), key: createPrivateKey(pair.privateKey) };
}

/** Why the pair cannot sign assertions, in words for the admin; null when it can. */
export function certificateProblem(pair: ClientCertificate): string | null {
  let cert: X509Certificate;
  let key: KeyObject;
  try {
    cert = new X509Certificate(pair.certificate);
  } catch {
    return 'The certificate is not a PEM certificate ("-----BEGIN CERTIFICATE-----").';
  }
  try {
    key = createPrivateKey(pair.privateKey);
  } catch {
    return 'The private key is not an unencrypted PEM private key ("-----BEGIN PRIVATE KEY-----" or "-----BEGIN RSA PRIVATE KEY-----").';
  }
  // Microsoft signs and checks certificate credentials with RS256 only.
  if (key.asymmetricKeyType !== 'rsa') return `The private key is ${key.asymmetricKeyType ?? 'of an unknown type'}; Microsoft 365 takes RSA certificate credentials only.`;
  if (!cert.checkPrivateKey(key)) return 'The private key does not belong to the certificate.';
  if (Date.parse(cert.validTo) < Date.now()) return `The certificate ended on ${new Date(cert.validTo).toISOString().slice(0, 10)}.`;
  return null;
}

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A client assertion for one request to `tokenUrl`. */
export function clientAssertion(clientId: string, tokenUrl: string, pair: ClientCertificate, now = Date.now()): string {
  const { cert, key } = parsed(pair);
  const header = {
    alg: 'RS256',
    typ: 'JWT',
    'x5t#S256': createHash('sha256').update(cert.raw).digest('base64url'),
    x5t: createHash('sha1').update(cert.raw).digest('base64url'),
  };
  const iat = Math.floor(now / 1000);
  const claims = { aud: tokenUrl, iss: clientId, sub: clientId, jti: randomUUID(), iat, nbf: iat, exp: iat + ASSERTION_LIFETIME_S };
  const signingInput = `${encode(header)}.${encode(claims)}`;
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput), key).toString('base64url')}`;
}
