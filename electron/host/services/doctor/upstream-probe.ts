/**
 * A session with the server mail is handed to, as the relay's own client
 * goes through it (relay/delivery/smtp-client.ts): greeting, EHLO, STARTTLS
 * or TLS, a login, then `MAIL FROM` and `RSET`, so the server judges the
 * sender without any mail being sent. It stops at the first step that fails
 * and says which; the transcript has every reply word for word.
 *
 * Not nodemailer's SMTPConnection (behind the Server screen's "Test
 * connection"): it cannot send a MAIL FROM on its own, without a recipient
 * and DATA.
 */
import type { UpstreamAuth } from '../../../../relay/protocol.js';
import { oauthErrorAcknowledgement, oauthInitialResponse, oauthMechanism, type OAuthLogin } from '../../../../relay/shared/sasl-oauth.js';
import { TEST_TIMEOUT_MS } from '../server/smarthost-test.js';
import { SmtpSession, type Reply } from './smtp-session.js';

export interface ProbeTarget {
  host: string;
  port: number;
  /** none never upgrades; starttls requires it; opportunistic upgrades when offered (direct delivery); tls from the first byte. */
  security: 'none' | 'starttls' | 'opportunistic' | 'tls';
  rejectUnauthorized: boolean;
  /** A password, or an OAuth access token (the transcript shows neither). */
  auth: UpstreamAuth | null;
  heloName: string;
  /** The envelope sender the server is asked about. */
  from: string;
}

export type ProbeStep = 'connect' | 'greeting' | 'ehlo' | 'starttls' | 'auth' | 'mail-from';

export type UpstreamProbe =
  | { ok: true; transcript: string[]; tls: boolean; loggedIn: boolean }
  /** The step that failed, and the server's reply to it, or the connection's error. */
  | { ok: false; step: ProbeStep; reply: Reply | null; error: unknown; transcript: string[]; tls: boolean };

class StepFailed extends Error {
  constructor(
    readonly step: ProbeStep,
    readonly reply: Reply | null,
    readonly error: unknown = null,
  ) {
    super(step);
  }
}

const positive = (reply: Reply) => reply.code >= 200 && reply.code < 400;

async function expect(step: ProbeStep, reply: Promise<Reply>, ok: (r: Reply) => boolean = positive): Promise<Reply> {
  let answered: Reply;
  try {
    answered = await reply;
  } catch (err) {
    throw new StepFailed(step, null, err);
  }
  if (!ok(answered)) throw new StepFailed(step, answered);
  return answered;
}

async function login(smtp: SmtpSession, target: ProbeTarget, auth: UpstreamAuth, offered: string[]): Promise<void> {
  if ('accessToken' in auth) return oauthLogin(smtp, target, auth, offered);
  const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
  if (offered.includes('LOGIN') && !offered.includes('PLAIN')) {
    await expect('auth', smtp.command('AUTH LOGIN'), (r) => r.code === 334);
    await expect('auth', smtp.command(b64(auth.user), `${b64(auth.user)} (${auth.user})`), (r) => r.code === 334);
    await expect('auth', smtp.command(b64(auth.password), '****'), (r) => r.code === 235);
    return;
  }
  await expect('auth', smtp.command(`AUTH PLAIN ${b64(`\0${auth.user}\0${auth.password}`)}`, 'AUTH PLAIN ****'), (r) => r.code === 235);
}

/** OAUTHBEARER or XOAUTH2, as the relay logs in; a refused token's JSON challenge is acknowledged to get the server's final word. */
async function oauthLogin(smtp: SmtpSession, { host, port }: ProbeTarget, auth: OAuthLogin, offered: string[]): Promise<void> {
  const mechanism = oauthMechanism(offered);
  let reply = await smtp.command(`AUTH ${mechanism} ${oauthInitialResponse(mechanism, auth, { host, port })}`, `AUTH ${mechanism} **** (an access token for ${auth.user})`);
  if (reply.code === 334) reply = await smtp.command(oauthErrorAcknowledgement(mechanism), '(acknowledged)');
  await expect('auth', Promise.resolve(reply), (r) => r.code === 235);
}

/** AUTH's mechanisms as EHLO lists them ("AUTH PLAIN LOGIN" is one line). */
function authMechanisms(ehlo: Reply): string[] {
  const line = ehlo.text.split(' | ').find((l) => /^\d{3}[- ]AUTH[ =]/i.test(l));
  return line ? line.slice(9).toUpperCase().split(/\s+/) : [];
}

async function walk(smtp: SmtpSession, target: ProbeTarget): Promise<boolean> {
  await expect('greeting', smtp.reply(), (r) => r.code === 220);
  let ehlo = await expect('ehlo', smtp.command(`EHLO ${target.heloName}`), (r) => r.code === 250);
  const offersTls = ehlo.keywords.includes('STARTTLS');
  if (target.security === 'starttls' || (target.security === 'opportunistic' && offersTls)) {
    if (!offersTls && target.security === 'starttls') throw new StepFailed('starttls', ehlo);
    await expect('starttls', smtp.command('STARTTLS'), (r) => r.code === 220);
    try {
      await smtp.startTls();
    } catch (err) {
      throw new StepFailed('starttls', null, err);
    }
    ehlo = await expect('ehlo', smtp.command(`EHLO ${target.heloName}`), (r) => r.code === 250);
  }
  // Logged in even when AUTH is not advertised, as the relay does: a missing login shows as the problem it is.
  if (target.auth) await login(smtp, target, target.auth, authMechanisms(ehlo));
  await expect('mail-from', smtp.command(`MAIL FROM:<${target.from}>`), (r) => r.code === 250);
  await smtp.command('RSET').catch(() => undefined);
  return target.auth !== null;
}

/** Goes through the session up to MAIL FROM and RSET, and quits; never rejects. */
export async function probeUpstream(target: ProbeTarget): Promise<UpstreamProbe> {
  let smtp: SmtpSession;
  try {
    smtp = await SmtpSession.open({ host: target.host, port: target.port, tls: target.security === 'tls', rejectUnauthorized: target.rejectUnauthorized, timeoutMs: TEST_TIMEOUT_MS });
  } catch (err) {
    return { ok: false, step: 'connect', reply: null, error: err, transcript: [], tls: false };
  }
  try {
    const loggedIn = await walk(smtp, target);
    await smtp.quit();
    return { ok: true, transcript: smtp.transcript, tls: smtp.secure, loggedIn };
  } catch (err) {
    smtp.close();
    if (!(err instanceof StepFailed)) throw err;
    return { ok: false, step: err.step, reply: err.reply, error: err.error, transcript: smtp.transcript, tls: smtp.secure };
  }
}
