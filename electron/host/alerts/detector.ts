/**
 * What raises an alert, read from the relay's events and state: a client
 * address blocked for its failed logins or a user over its rate limit, a
 * sender refused, a bounce, the upstream unreachable or refusing, messages
 * deferred too long or a queue too long, the relay down or a port not
 * opened, and the certificate near its end. Thresholds come from the rules;
 * whether an alert goes out at all is the alert center's call.
 */
import type { RelayState } from '../../api/contract.js';
import type { AlertRule } from '../../api/schemas/alerts.js';
import type { RelayEvent } from '../../../relay/events.js';
import type { Alert } from './alert.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Client addresses whose failed logins are counted; a scan from more forgets the earliest. */
const REMEMBERED_ADDRESSES = 1_000;
/** The window failed logins are counted in, the relay's own (../relay-config.ts). */
const FAILURE_WINDOW_MS = 10 * MINUTE_MS;
/** Reply codes that say the upstream itself is refusing (shutting down, TLS, its login), not a recipient. */
const UPSTREAM_REFUSING = new Set([421, 454, 530, 534, 535]);

export interface DetectorOptions {
  /** The rule in force for a kind and list (a list's own, or the one for every list). */
  rule(kind: AlertRule['kind'], list: string | null): AlertRule;
  /** The list of an SMTP user, or null when there is no such user. */
  listOf(user: string): string | null;
  raise(alert: Alert): void;
}

interface Queued {
  list: string | null;
  from: string;
  subject: string;
  acceptedAt: number;
  /** Already in an alert for staying deferred too long. */
  overdueSaid: boolean;
}

export class AlertDetector {
  private readonly failures = new Map<string, { times: number[]; user: string }>();
  private readonly queued = new Map<string, Queued>();
  /**
   * The queued messages deferred at least once and not yet in an overdue
   * alert: the only ones the overdue check reads, kept apart so that it and
   * hasDeferred (asked after every relay event) do not walk the whole queue.
   */
  private readonly overdueCandidates = new Map<string, Queued>();
  private portsInError = new Set<number>();
  private down = false;
  private queueOver = false;

  constructor(private readonly options: DetectorOptions) {}

  /** Whether a message waits deferred: only then does the timer look for overdue ones. */
  get hasDeferred(): boolean {
    return this.overdueCandidates.size > 0;
  }

  relayEvent(event: RelayEvent, now: number): void {
    switch (event.type) {
      case 'auth':
        if (!event.ok) this.failedLogin(event.remoteAddress, event.user, now);
        break;
      case 'auth-blocked':
        this.blocked(event.remoteAddress, event.until);
        break;
      case 'rejected':
        this.rejected(event);
        break;
      case 'accepted':
        this.queued.set(event.id, { list: event.list, from: event.envelope.from, subject: event.subject, acceptedAt: now, overdueSaid: false });
        this.overdueCandidates.delete(event.id);
        break;
      case 'queue-snapshot':
        for (const m of event.messages) {
          const user = this.options.listOf(m.user);
          const q = { list: user, from: m.envelope.from, subject: m.subject, acceptedAt: Date.parse(m.acceptedAt), overdueSaid: false };
          this.queued.set(m.id, q);
          if (m.attempts > 0) this.overdueCandidates.set(m.id, q);
          else this.overdueCandidates.delete(m.id);
        }
        this.checkOverdue(now);
        break;
      case 'attempt':
        this.attempt(event);
        break;
      case 'deferred': {
        const q = this.queued.get(event.id);
        if (!q || q.overdueSaid) break;
        this.overdueCandidates.set(event.id, q);
        // Only a message deferred past the limit looks through the others (an upstream that is down defers
        // the whole queue, message by message); the center's timer finds the rest within its tick.
        if (now - q.acceptedAt > this.overdueMinutes() * MINUTE_MS) this.checkOverdue(now);
        break;
      }
      case 'bounced':
        this.bounced(event);
        this.forget(event.id);
        break;
      case 'delivered':
      case 'deleted':
        this.forget(event.id);
        break;
      case 'queue':
        this.queueSize(event.queued);
        break;
      default:
        break;
    }
  }

  relayState(state: RelayState): void {
    if (state.status === 'restarting' && !this.down) {
      this.down = true;
      this.options.raise({
        kind: 'relay-down',
        subject: 'relay process',
        list: null,
        title: 'The relay process stopped unexpectedly',
        body: `${state.problem ?? 'The relay process stopped.'} Mail is not accepted until it is running again; what happened is in relay.log.`,
        messageId: null,
      });
    } else if (state.status === 'running' || state.status === 'stopped') this.down = false;
    const failed = state.listeners.filter((l) => l.status === 'error');
    for (const l of failed) {
      if (this.portsInError.has(l.port)) continue;
      this.options.raise({
        kind: 'relay-down',
        subject: `port ${l.port}`,
        list: null,
        title: `Port ${l.port} could not be opened`,
        body: `The relay could not listen on port ${l.port}: ${l.error ?? 'no reason given'}. Devices set to use this port cannot send.`,
        messageId: null,
      });
    }
    if (state.status === 'running') this.portsInError = new Set(failed.map((l) => l.port));
  }

  private overdueMinutes(): number {
    return this.options.rule('delivery-problem', null).threshold ?? 30;
  }

  /** Messages deferred longer than the rule's minutes, in one alert; called on a defer past the limit and by the center's timer. */
  checkOverdue(now: number): void {
    if (this.overdueCandidates.size === 0) return;
    const minutes = this.overdueMinutes();
    const limitMs = minutes * MINUTE_MS;
    // Oldest first, as the queue holds them: the alert names the first.
    const overdue = [...this.overdueCandidates].filter(([, q]) => now - q.acceptedAt > limitMs).sort(([, a], [, b]) => a.acceptedAt - b.acceptedAt);
    if (overdue.length === 0) return;
    for (const [id, q] of overdue) {
      q.overdueSaid = true;
      this.overdueCandidates.delete(id);
    }
    const [firstId, first] = overdue[0] as [string, Queued];
    this.options.raise({
      kind: 'delivery-problem',
      subject: 'deferred too long',
      list: null,
      title: overdue.length === 1 ? `A message has been deferred for more than ${minutes} minutes` : `${overdue.length} messages have been deferred for more than ${minutes} minutes`,
      body: `${overdue.length === 1 ? `The message from ${first.from} ("${first.subject}") is` : `${overdue.length} messages, the first from ${first.from} ("${first.subject}"), are`} still waiting in the queue; the upstream keeps deferring them. Delivery status: the Messages screen, deferred.`,
      messageId: overdue.length === 1 ? firstId : null,
    });
  }

  private forget(id: string): void {
    this.queued.delete(id);
    this.overdueCandidates.delete(id);
  }

  /** The certificate ends within the rule's days (or has ended). */
  checkCertificate(notAfter: string | null, fingerprint: string, now: number): void {
    if (notAfter === null) return;
    const rule = this.options.rule('certificate-expiring', null);
    const days = rule.threshold ?? 14;
    const left = Date.parse(notAfter) - now;
    if (left > days * DAY_MS) return;
    const when = left <= 0 ? `ended on ${notAfter}` : `ends on ${notAfter}, in ${Math.ceil(left / DAY_MS)} days`;
    this.options.raise({
      kind: 'certificate-expiring',
      subject: fingerprint,
      list: null,
      title: left <= 0 ? 'The relay\'s TLS certificate has expired' : `The relay's TLS certificate expires in ${Math.ceil(left / DAY_MS)} days`,
      body: `The certificate devices see on STARTTLS ${when}. Renew or import a new one on the Server screen; clients that check certificates will refuse it once it has ended.`,
      messageId: null,
    });
  }

  /** Failed logins from one address reaching the rule's count raise the alert, before the relay's own block at 10. */
  private failedLogin(address: string, user: string, now: number): void {
    const known = this.failures.get(address);
    this.failures.delete(address);
    const times = (known?.times ?? []).filter((t) => now - t < FAILURE_WINDOW_MS);
    times.push(now);
    this.failures.set(address, { times, user });
    // Oldest first in a Map: the address just failing went to the end.
    if (this.failures.size > REMEMBERED_ADDRESSES) this.failures.delete(this.failures.keys().next().value as string);
    const list = this.options.listOf(user);
    const limit = this.options.rule('user-blocked', list).threshold ?? 5;
    if (times.length !== limit) return;
    this.options.raise({
      kind: 'user-blocked',
      subject: `address ${address}`,
      list,
      title: `${limit} failed logins from ${address}, last as ${user}`,
      body: `${address} failed to log in ${limit} times in 10 minutes, the last time as SMTP user ${user}. At 10 the relay refuses its logins for 15 minutes. If this is one of your devices, check the password set in it; if not, someone is guessing passwords.`,
      messageId: null,
    });
  }

  private blocked(address: string, until: string): void {
    const user = this.failures.get(address)?.user ?? null;
    this.failures.delete(address);
    this.options.raise({
      kind: 'user-blocked',
      subject: `address ${address}`,
      list: user === null ? null : this.options.listOf(user),
      title: `Logins from ${address} are blocked after too many failures`,
      body: `${address} failed to log in too often${user ? `, last as SMTP user ${user}` : ''}. Its logins are refused until ${until}. If this is one of your devices, check the password set in it; if not, someone is guessing passwords.`,
      messageId: null,
    });
  }

  private rejected(event: Extract<RelayEvent, { type: 'rejected' }>): void {
    if (event.user === null) return;
    const list = this.options.listOf(event.user);
    // The reply as sent: "451 4.7.1 ...".
    const text = event.reply.replace(/^\d{3} /, '');
    if (event.code === 451 && text.startsWith('4.7.1')) {
      this.options.raise({
        kind: 'user-blocked',
        subject: `rate ${event.user}`,
        list,
        title: `SMTP user ${event.user} reached its rate limit`,
        body: `${text.slice(6)}. Its mail is refused with a temporary error until the hour's count falls; raise its limit on the Users screen if this is expected.`,
        messageId: null,
      });
    } else if (text.startsWith('5.7.1') && (event.stage === 'mail' || event.stage === 'data')) {
      const tried = event.envelope?.from ?? 'an address';
      this.options.raise({
        kind: 'sender-refused',
        subject: `${event.user} ${tried}`,
        list,
        title: `SMTP user ${event.user} tried to send as ${tried}, which it may not`,
        body: `The relay refused it from ${event.remoteAddress}: ${event.reply}. Authorize the address or its domain for ${event.user} on the Users screen if it should send as it.`,
        messageId: null,
      });
    }
  }

  private attempt(event: Extract<RelayEvent, { type: 'attempt' }>): void {
    const upstreamDown = event.results.length > 0 && event.results.every((r) => r.status !== 'delivered' && (r.code === undefined || UPSTREAM_REFUSING.has(r.code)));
    if (!upstreamDown) return;
    const why = event.results[0]?.response ?? 'no answer';
    this.options.raise({
      kind: 'delivery-problem',
      subject: 'upstream',
      list: null,
      title: event.remoteHost ? `The upstream ${event.remoteHost} is not taking mail` : 'The upstream cannot be reached',
      body: `A delivery attempt failed before any recipient was accepted: ${why}. Messages stay queued and are retried; the Troubleshooting screen tries the upstream step by step.`,
      messageId: event.id,
    });
  }

  private bounced(event: Extract<RelayEvent, { type: 'bounced' }>): void {
    const q = this.queued.get(event.id);
    this.options.raise({
      kind: 'message-bounced',
      subject: event.id,
      list: q?.list ?? null,
      title: q ? `A message from ${q.from} bounced` : 'A message bounced',
      body: `${q ? `"${q.subject}" to ` : 'Mail to '}${event.recipients.join(', ')} could not be delivered: ${event.reason}${event.bounceId ? ' The sender was sent a bounce.' : ''}`,
      messageId: event.id,
    });
  }

  private queueSize(queued: number): void {
    const limit = this.options.rule('delivery-problem', null).queueThreshold ?? 100;
    // Said once on the way up; said again only after the queue came back under the limit.
    if (queued <= limit) {
      this.queueOver = false;
      return;
    }
    if (this.queueOver) return;
    this.queueOver = true;
    this.options.raise({
      kind: 'delivery-problem',
      subject: 'queue size',
      list: null,
      title: `${queued} messages are queued, more than ${limit}`,
      body: `The queue holds ${queued} messages. Mail is being accepted faster than it is delivered; see the Status screen for delivery to the upstream.`,
      messageId: null,
    });
  }
}
