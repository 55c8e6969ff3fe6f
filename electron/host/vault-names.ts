/**
 * The names of the vault's entries, made in one place. Vault takes only a
 * VaultName, so a name typed by hand (where a typo would find nothing, and a
 * user could not log in) does not compile.
 */
declare const vaultName: unique symbol;
export type VaultName = string & { readonly [vaultName]: true };

const named = (name: string) => name as VaultName;

export const vaultNames = {
  /** The scrypt verifier of an SMTP user's password. */
  verifier: (user: string) => named(`verifier:${user}`),
  /** The smarthost password. */
  upstreamPassword: named('upstream-password'),
  /** The smarthost's OAuth 2.0 refresh token (oauth/token-keeper.ts). */
  upstreamRefreshToken: named('upstream-oauth-refresh-token'),
  /** The client secret of the smarthost's OAuth 2.0 app registration, where it has one. */
  upstreamClientSecret: named('upstream-oauth-client-secret'),
  /** JSON {certificate, privateKey} (PEM) of the app registration's certificate credential (oauth/client-assertion.ts), where it has one. */
  upstreamClientCertificate: named('upstream-oauth-client-certificate'),
  /** The private key of the relay's TLS certificate. */
  tlsKey: named('tls-key'),
  /** The private key of the generated certificate's ECDSA twin, where it has one. */
  tlsEcdsaKey: named('tls-ecdsa-key'),
  /** A verified domain's DKIM private key (PKCS#8 PEM). */
  dkimKey: (domain: string) => named(`dkim:${domain}`),
  /** Its Ed25519 DKIM private key (PKCS#8 PEM), when the admin turned that signature on. */
  dkimEd25519Key: (domain: string) => named(`dkim-ed25519:${domain}`),
  /** JSON {hash, expiresAt, tries} of a pending address's verification code. */
  addressCode: (address: string) => named(`address-code:${address}`),
  /** The HMAC-SHA256 signing secret of an alert webhook channel. */
  webhookSecret: (channelId: string) => named(`webhook-secret:${channelId}`),
} as const;
