/**
 * smtp-server prefixes every reply with an enhanced status code guessed from
 * the basic code alone (550 becomes 5.1.1 "mailbox unavailable" even when the
 * reason is a sender policy, which is 5.7.1). Replies the relay writes carry
 * their own precise code, so for those the guess is left out. Applied once,
 * at import, to the library's connection class.
 */
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';

const ENHANCED_CODE = /^[245]\.\d{1,3}\.\d{1,3} /;

const proto = SMTPConnection.prototype;
// eslint-disable-next-line @typescript-eslint/unbound-method -- always called with .call(this) below
const originalSend = proto.send;
proto.send = function send(this: SMTPConnection, code, data, context) {
  const ownCode = typeof data === 'string' && ENHANCED_CODE.test(data);
  originalSend.call(this, code, data, ownCode ? false : context);
};
