/** An alert as an email to the admins, sent through the relay's own queue and upstream. */
import { randomBytes } from 'node:crypto';
import { rfc5322Date } from '../services/senders/address-codes.js';
import type { AlertLike } from './alert.js';

/** RFC 2047: a subject with non-ASCII characters as one UTF-8 encoded word per 30 characters (graphemes, so none is cut in two). */
function encodeSubject(text: string): string {
  if (/^[ -~]*$/.test(text)) return text;
  const chars = Array.from(new Intl.Segmenter().segment(text), (s) => s.segment);
  const words: string[] = [];
  for (let i = 0; i < chars.length; i += 30) words.push(`=?UTF-8?B?${Buffer.from(chars.slice(i, i + 30).join('')).toString('base64')}?=`);
  return words.join('\r\n ');
}

export function alertMessage(alert: AlertLike, from: string, to: string[], hostname: string, now: Date): string {
  const body = [alert.body, '', ...(alert.messageId ? [`Message: ${alert.messageId}`, ''] : []), '-- ', `Relay Desk on ${hostname}`];
  const text = body.join('\r\n').replace(/\r?\n/g, '\r\n');
  const headers = [
    `Date: ${rfc5322Date(now)}`,
    `From: Relay Desk <${from}>`,
    `To: ${to.map((a) => `<${a}>`).join(', ')}`,
    `Subject: ${encodeSubject(`[Relay Desk] ${alert.title}`)}`,
    `Message-ID: <${randomBytes(12).toString('hex')}.${now.getTime()}@${from.slice(from.lastIndexOf('@') + 1)}>`,
    `X-Relay-Desk-Alert: ${alert.kind}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Transfer-Encoding: ${/[^\r\n -~]/.test(text) ? '8bit' : '7bit'}`,
    // RFC 3834: a machine wrote this; auto-responders must not answer it.
    'Auto-Submitted: auto-generated',
  ];
  return `${headers.join('\r\n')}\r\n\r\n${text}\r\n`;
}
