/**
 * What a mail client sees when it connects to one of the relay's ports:
 * the greeting, the EHLO extensions before TLS and, where STARTTLS is
 * offered, after it. Nothing is sent past EHLO; the replies are kept word
 * for word. The relay's certificate is not checked here (certificate-check.ts
 * says what clients make of it).
 */
import { SmtpSession } from './smtp-session.js';

export interface ProbeResult {
  /** Every reply, one line each (multi-line replies joined with " | "). */
  replies: string[];
  /** EHLO keywords before TLS, upper-case (for an implicit-TLS port: over TLS). */
  extensions: string[];
  /** EHLO keywords after STARTTLS; null when it was not tried or failed. */
  extensionsAfterTls: string[] | null;
}

async function session(smtp: SmtpSession, heloName: string, result: ProbeResult): Promise<void> {
  const answered = async (line: string) => {
    const reply = await smtp.command(line);
    result.replies.push(reply.text);
    return reply;
  };
  const greeting = await smtp.reply();
  result.replies.push(greeting.text);
  if (greeting.code !== 220) return;
  const ehlo = await answered(`EHLO ${heloName}`);
  if (ehlo.code !== 250) return;
  result.extensions = ehlo.keywords;
  if (!result.extensions.includes('STARTTLS') || smtp.secure) return;
  if ((await answered('STARTTLS')).code !== 220) return;
  await smtp.startTls();
  const again = await answered(`EHLO ${heloName}`);
  if (again.code === 250) result.extensionsAfterTls = again.keywords;
}

/** Connects as a client would (implicit TLS when `tls`), says EHLO, tries STARTTLS when offered, and quits. Rejects when the connection fails. */
export async function probeSmtp(host: string, port: number, tls: boolean, heloName: string): Promise<ProbeResult> {
  const result: ProbeResult = { replies: [], extensions: [], extensionsAfterTls: null };
  const smtp = await SmtpSession.open({ host, port, tls, rejectUnauthorized: false });
  try {
    await session(smtp, heloName, result);
    await smtp.quit();
  } finally {
    smtp.close();
  }
  return result;
}
