/**
 * "Test connection" for the smarthost: a real SMTP session with the stored
 * settings (connect, greeting, EHLO, STARTTLS or TLS as configured, AUTH when
 * a user is set) and no mail sent. What comes back is what an office admin can
 * act on: the server's own words when it answered, otherwise what went wrong
 * in plain words.
 */

export interface SmarthostSettings {
  host: string;
  port: number;
  security: 'none' | 'starttls' | 'tls';
  user: string | null;
  rejectUnauthorized: boolean;
}

export interface TestResult {
  ok: boolean;
  response: string;
}

/**
 * Each security choice as nodemailer takes it, meaning what the relay's own
 * client (relay/delivery/smtp-client.ts) does with it: none never upgrades,
 * starttls refuses to go on without TLS, tls is TLS from the first byte.
 */
function securityOptions(security: SmarthostSettings['security']) {
  switch (security) {
    case 'none':
      return { secure: false, ignoreTLS: true };
    case 'starttls':
      return { secure: false, requireTLS: true };
    case 'tls':
      return { secure: true };
  }
}

/** Each step (connect, greeting, every reply) gets this long. */
export const TEST_TIMEOUT_MS = 10_000;

/** The server's replies as nodemailer's transaction log reports them (the client's side, secrets included, is ignored). */
class ReplyLog {
  readonly replies: string[] = [];

  readonly logger = {
    debug: (entry: { tnx?: string } | undefined, message: unknown) => {
      if (entry?.tnx === 'server' && typeof message === 'string') this.replies.push(oneLine(message));
    },
  };
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

interface SmtpError extends Error {
  code?: string;
  /** The socket's or TLS layer's own code (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT), when nodemailer wrapped it. */
  originalCode?: string;
  timeoutType?: string;
  response?: string;
  responseCode?: number;
  command?: string;
}

/** The socket's or TLS layer's code behind nodemailer's own (ESOCKET, ECONNECTION). */
function errnoOf(err: SmtpError): string | undefined {
  return err.originalCode ?? /\b(ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN)\b/.exec(err.message)?.[1];
}

const CERT_ERRORS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server uses a self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'the server\'s certificate chain ends in a self-signed certificate no one here trusts',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server\'s certificate was issued by an authority this computer does not know (or the server does not send the intermediate certificates)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the server\'s certificate was issued by an authority this computer does not know',
  CERT_HAS_EXPIRED: 'the server\'s certificate has expired',
  CERT_NOT_YET_VALID: 'the server\'s certificate is not valid yet (check this computer\'s clock)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the server\'s certificate is made out for another name',
};

/** Turns what nodemailer reports into one sentence an admin can act on. */
export function describeFailure(err: unknown, settings: SmarthostSettings): string {
  const e: SmtpError = err instanceof Error ? err : new Error(String(err));
  const target = `${settings.host}:${settings.port}`;
  const errno = errnoOf(e);
  const reply = e.response ? oneLine(e.response) : '';
  const portHint =
    settings.port === 465 && settings.security !== 'tls'
      ? ' Port 465 usually expects security "TLS" (encrypted from the start).'
      : (settings.port === 587 || settings.port === 25) && settings.security === 'tls'
        ? ` Port ${settings.port} usually expects security "STARTTLS".`
        : '';

  if (errno && CERT_ERRORS[errno]) {
    return `TLS certificate not trusted: ${CERT_ERRORS[errno]} (${errno}). If you trust this server anyway, turn off certificate checking for it.`;
  }
  switch (errno) {
    case 'ECONNREFUSED':
      return `Connection refused by ${target}: nothing listens on that port there, or a firewall refuses the connection. Check the host and port.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `The host name ${settings.host} could not be found in DNS. Check its spelling and this computer's network connection.`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${target} cannot be reached from this computer (${errno}); check the address and the network.`;
    case 'ECONNRESET':
      return `${target} closed the connection abruptly.${portHint}`;
  }
  const seconds = TEST_TIMEOUT_MS / 1000;
  if (e.code === 'ETIMEDOUT' && e.timeoutType === 'GREETING_TIMEOUT') {
    const why = settings.security === 'tls' ? portHint : ' A server that encrypts from the start (usually port 465) waits for TLS first: try security "TLS".';
    return `${target} accepted the connection but sent no greeting within ${seconds} seconds.${why}`;
  }
  if (e.code === 'ETIMEDOUT' || errno === 'ETIMEDOUT') {
    return `No answer from ${target} within ${seconds} seconds: a firewall may be dropping the connection, or the port expects something else.${portHint}`;
  }
  if (e.code === 'EAUTH' && (e.responseCode === 538 || /\b5\.7\.11\b/.test(reply))) {
    return `Authentication failed: ${reply}. The server accepts a login only over an encrypted connection: choose security "STARTTLS" or "TLS".`;
  }
  if (e.code === 'EAUTH') {
    return `Authentication failed: ${reply || e.message}. Check the user name and password.`;
  }
  if (e.code === 'ENOAUTH') {
    return 'The server asks for a login and no user name is set: enter the user name and password the provider gave you.';
  }
  if (errno === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/i.test(e.message)) {
    return `TLS could not be set up with ${target}: the server answered in plain text, not TLS. It probably expects STARTTLS (usually ports 587 and 25): choose security "STARTTLS".`;
  }
  if (e.code === 'ETLS' && /STARTTLS/i.test(e.message)) {
    return `${target} does not offer STARTTLS${reply ? ` (${reply})` : ''}.${portHint || ' Choose security "TLS" if it encrypts from the start, or "none".'}`;
  }
  if (e.code === 'ETLS' || /^ERR_SSL_|^ERR_TLS_/.test(errno ?? '')) {
    return `TLS could not be set up with ${target}: ${oneLine(e.message)}.${portHint}`;
  }
  if (reply) return `${target} refused the session: ${reply}.${portHint}`;
  return `${target}: ${e.message}.${portHint}`;
}

/** An OAuth sign-in to test with: the token kept in memory, and what the admin is shown of it. */
export interface OAuthTestLogin {
  accessToken: string | null;
  account: string | null;
  expiresAt: string | null;
  /** Why there is no token ("sign in again", signed out), in words. */
  problem: string | null;
}

function authOptions(settings: SmarthostSettings, password: string | null, oauth: OAuthTestLogin | undefined) {
  if (!settings.user) return {};
  // XOAUTH2 through nodemailer: the mechanism Google and Microsoft document for SMTP.
  if (oauth) return { auth: { type: 'OAuth2' as const, user: settings.user, accessToken: oauth.accessToken ?? '' }, forceAuth: true };
  return { auth: { user: settings.user, pass: password ?? '' }, forceAuth: true };
}

/** Connects, says EHLO, secures and logs in as configured (password or OAuth token), and quits without sending. */
export async function testSmarthost(settings: SmarthostSettings, password: string | null, heloName: string, oauth?: OAuthTestLogin): Promise<TestResult> {
  if (oauth && !oauth.accessToken) return { ok: false, response: `Not signed in to the provider${oauth.problem ? `: ${oauth.problem}` : ''}. Sign in, then test again.` };
  const log = new ReplyLog();
  // nodemailer is loaded on the admin's first test, not at the host's start (~60 ms).
  const { createTransport } = await import('nodemailer');
  const transport = createTransport({
    host: settings.host,
    port: settings.port,
    name: heloName,
    ...securityOptions(settings.security),
    tls: { rejectUnauthorized: settings.rejectUnauthorized },
    ...authOptions(settings, password, oauth),
    connectionTimeout: TEST_TIMEOUT_MS,
    greetingTimeout: TEST_TIMEOUT_MS,
    socketTimeout: TEST_TIMEOUT_MS,
    dnsTimeout: TEST_TIMEOUT_MS,
    logger: log.logger,
    transactionLog: true,
  });
  try {
    await transport.verify();
  } catch (err) {
    const e = err as { code?: string; response?: string };
    if (oauth && e.code === 'EAUTH') {
      return { ok: false, response: `The server refused the OAuth token of ${oauth.account ?? settings.user ?? '?'}: ${oneLine(e.response ?? '')}. The mailbox must be allowed to send by SMTP AUTH, and the app's permission granted.` };
    }
    return { ok: false, response: describeFailure(err, settings) };
  } finally {
    transport.close();
  }
  const greeting = log.replies[0] ?? '';
  const how = settings.security === 'none' ? 'without encryption' : settings.security === 'starttls' ? 'with STARTTLS' : 'over TLS';
  const loggedIn = log.replies.find((r) => r.startsWith('235'));
  const login = settings.user ? `, logged in${oauth ? ' with XOAUTH2' : ''} as ${settings.user}${loggedIn ? ` (${loggedIn})` : ''}` : '';
  const token = oauth ? ` The token is ${oauth.account ?? settings.user ?? '?'}'s, valid until ${oauth.expiresAt ?? '?'}.` : '';
  return { ok: true, response: `Connected to ${settings.host}:${settings.port} ${how}${login}.${token} The server greeted: ${greeting}` };
}
