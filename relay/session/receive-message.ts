/**
 * What happens to a message from DATA to the 250 that carries its queue id:
 * streamed into the spool in one pass (headers checked and rewritten, an
 * invalid X-SMTPAPI refused), long lines re-encoded or refused and the
 * list's header and footer added in a second pass where needed, the rate
 * limit taken, made durable, announced.
 */
import type { SMTPServerOptions, SMTPServerSession } from 'smtp-server';
import type { RelaySettings } from '../protocol.js';
import { foldMessageHeader } from '../mime/reencode-plan.js';
import { metaLine, newQueueId, type MessageMeta } from '../queue/spool.js';
import type { MessageAdditions } from '../mime/decorate-plan.js';
import { additionsFor } from './list-additions.js';
import { fromDomainOf, inspectHeaders, rewriteHeaders } from './message-headers.js';
import { MessageStream } from './message-stream.js';
import { pipeAll } from './pipe-all.js';
import { replies, type SmtpReply } from './replies.js';
import { secondPass } from './second-pass.js';
import { senderFieldsRefusal } from './sender-fields.js';
import type { SessionServices } from './smtp-session.js';

/** Large enough for any real header block, small enough to hold in memory. */
const MAX_HEADER_BYTES = 1024 * 1024;

type DataStream = Parameters<NonNullable<SMTPServerOptions['onData']>>[0];

/** Streams one message into the spool; resolves with the 250 text, or the refusal. */
export async function receiveMessage(
  services: SessionServices,
  session: SMTPServerSession,
  identity: string | null,
  stream: DataStream,
): Promise<string | SmtpReply> {
  // session.envelope is reset after DATA: capture it now.
  const envelope = {
    from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
    to: session.envelope.rcptTo.map((r) => r.address),
  };
  const user = identity === null ? undefined : services.auth.user(identity);
  if (!user) return replies.authRequired();
  const config = services.config();
  const id = newQueueId();
  const now = new Date();
  let refusal: SmtpReply | null = null;
  let meta: MessageMeta | null = null;
  let fromName = '';
  let addedHeaders: string[] = [];
  let additions = null as MessageAdditions | null;
  /** The metadata line written before the message: its length is where the body starts. */
  let prefix: Buffer = Buffer.alloc(0);

  const message = new MessageStream({
    maxHeaderBytes: MAX_HEADER_BYTES,
    discard: () => stream.sizeExceeded || refusal !== null,
    onHeaders: (headers) => {
      const inspected = inspectHeaders(headers);
      refusal = senderFieldsRefusal(inspected.senders, user);
      if (refusal) return null;
      const { smtpApi } = inspected;
      if (smtpApi && !smtpApi.ok) {
        refusal = replies.smtpApiInvalid(smtpApi.problem);
        return null;
      }
      const api = smtpApi?.api ?? null;
      additions = additionsFor(
        config.messageProperties.find((p) => p.list === user.list),
        api,
      );
      const tls = session.tlsOptions ? { protocol: session.tlsOptions.version, cipher: session.tlsOptions.name } : null;
      addedHeaders = rewriteHeaders(headers, {
        queueId: id,
        hostname: config.hostname,
        user: user.name,
        via: typeof session.user === 'string' ? 'auth' : 'trusted',
        priority: user.priority,
        clientHostname: session.hostNameAppearsAs,
        remoteAddress: session.remoteAddress,
        tls,
        now,
      });
      const longHeaderLine = foldMessageHeader(headers);
      if (longHeaderLine) {
        refusal = replies.lineTooLong(longHeaderLine);
        return null;
      }
      fromName = inspected.fromName;
      meta = {
        v: 1,
        id,
        envelope,
        user: user.name,
        via: typeof session.user === 'string' ? 'auth' : 'trusted',
        priority: user.priority,
        acceptedAt: now.getTime(),
        from: inspected.fromText,
        subject: inspected.subject,
        fromDomain: fromDomainOf(inspected),
        campaign: api?.campaign ?? null,
        tls: session.secure,
      };
      prefix = metaLine(meta);
      return prefix;
    },
  });

  let spooled = services.spool.create(id);
  try {
    await pipeAll(stream, message, spooled.stream);
  } catch (err) {
    await spooled.abort();
    throw err;
  }
  const decided = decide(stream.sizeExceeded, message.headerTooLarge, refusal, meta, config);
  if ('code' in decided) {
    await spooled.abort();
    return decided;
  }
  if (message.longBodyLine || additions) {
    // The upstream may refuse a line over 998 octets: re-encode now, or refuse now, never bounce later.
    const first = spooled;
    const rewritten = await secondPass(services.spool, id, first, prefix, { longLines: message.longBodyLine, additions }).catch(async (err: unknown) => {
      await first.abort();
      throw err;
    });
    if (rewritten !== first) await first.abort();
    if ('code' in rewritten) return rewritten;
    spooled = rewritten;
  }
  if (!services.rateLimiter.take(user.name, user.rateLimitPerHour)) {
    await spooled.abort();
    return replies.rateLimited(user.name, user.rateLimitPerHour ?? 0);
  }
  const stored = await spooled.commit(decided, prefix.length);
  const size = spooled.stream.bytesWritten - prefix.length;
  services.emit({
    type: 'accepted',
    id,
    session: session.id,
    user: user.name,
    via: decided.via === 'auth' ? 'auth' : 'trusted',
    list: user.list,
    envelope,
    from: decided.from,
    fromName,
    subject: decided.subject,
    size,
    tls: decided.tls,
    priority: decided.priority,
    campaign: decided.campaign,
    addedHeaders,
  });
  services.accepted(stored);
  return replies.queued(id);
}

function decide(
  sizeExceeded: boolean,
  headerTooLarge: boolean,
  refusal: SmtpReply | null,
  meta: MessageMeta | null,
  config: RelaySettings,
): MessageMeta | SmtpReply {
  if (sizeExceeded) return replies.messageTooBig(config.limits.maxMessageBytes);
  if (headerTooLarge) return replies.headerTooBig(MAX_HEADER_BYTES);
  if (refusal) return refusal;
  return meta ?? replies.noFromHeader();
}
