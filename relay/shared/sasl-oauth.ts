/**
 * Logging in to an SMTP server with an OAuth 2.0 access token: OAUTHBEARER
 * (RFC 7628) where the server offers it, else XOAUTH2 (Google's and
 * Microsoft's mechanism, which both document for SMTP). Shared: the relay
 * logs in with it, the host's upstream checks do too.
 */
import { createHash } from 'node:crypto';

export type OAuthMechanism = 'OAUTHBEARER' | 'XOAUTH2';

export interface OAuthLogin {
  /** The mailbox the token was issued for. */
  user: string;
  accessToken: string;
}

/** The standard mechanism where offered; XOAUTH2 otherwise, including when the server lists none (its refusal then says why). */
export function oauthMechanism(offered: Iterable<string>): OAuthMechanism {
  return new Set([...offered].map((m) => m.toUpperCase())).has('OAUTHBEARER') ? 'OAUTHBEARER' : 'XOAUTH2';
}

/** RFC 7628 §3.1: the authzid in the GS2 header escapes ',' and '='. */
function gs2Name(user: string): string {
  return user.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

/** The initial client response, base64, sent on the AUTH line itself (RFC 4954 allows such lines up to 12,288 octets). */
export function oauthInitialResponse(mechanism: OAuthMechanism, login: OAuthLogin, server: { host: string; port: number }): string {
  const text =
    mechanism === 'XOAUTH2'
      ? `user=${login.user}\x01auth=Bearer ${login.accessToken}\x01\x01`
      : `n,a=${gs2Name(login.user)},\x01host=${server.host}\x01port=${server.port}\x01auth=Bearer ${login.accessToken}\x01\x01`;
  return Buffer.from(text, 'utf8').toString('base64');
}

/**
 * After a refused token the server sends a 334 with a JSON error and waits:
 * RFC 7628 §3.2.3 has the client answer a single %x01 (OAUTHBEARER), XOAUTH2
 * an empty line; the server then sends its final 535.
 */
export function oauthErrorAcknowledgement(mechanism: OAuthMechanism): string {
  return mechanism === 'OAUTHBEARER' ? Buffer.from('\x01').toString('base64') : '';
}

/** Names a token without carrying it: what the relay reports when one is refused, so the host knows which one. */
export function tokenFingerprint(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest('hex');
}
