/**
 * The alert center: alerts from the detector pass the rules (each kind on
 * or off, per list), then the anti-storm throttle, then go to every channel,
 * at once or into its digest; each sending is recorded in the alert history.
 * The smarthost's OAuth sign-in ended by its provider ("sign in again",
 * ./sign-in-again.ts) is a delivery problem too.
 * Webhook channels that ask for them also get delivery events (accepted,
 * delivered, deferred, bounced), as SendGrid's and SES's event webhooks do.
 * One timer, at most once a minute, runs only while something waits on it:
 * a deferred message that may become overdue, a storm window, a digest.
 */
import type { RelayState } from '../../api/contract.js';
import type { AlertChannel, AlertHistoryEntry, AlertRaised, AlertRule } from '../../api/schemas/alerts.js';
import type { RelayEvent } from '../../../relay/events.js';
import type { HostContext } from '../context.js';
import { addressMaySend } from '../services/senders/status.js';
import { storedCertificateView } from '../services/server/certificate.js';
import { vaultNames } from '../vault-names.js';
import type { Alert, AlertLike } from './alert.js';
import { AlertDetector } from './detector.js';
import { Digest, type DigestAlert } from './digest.js';
import { alertMessage } from './email.js';
import type { AlertHistory } from './history-file.js';
import type { OAuthStatus } from '../oauth/token-keeper.js';
import { SignInAgainWatch } from './sign-in-again.js';
import { Throttle } from './throttle.js';
import { WebhookSender, type PostOutcome } from './webhook.js';

const TICK_MS = 60_000;
const CERTIFICATE_CHECK_MS = 86_400_000;
const DELIVERY_EVENTS = new Set(['accepted', 'delivered', 'deferred', 'bounced']);

export interface AlertCenterOptions {
  ctx: HostContext;
  history: AlertHistory;
  /** The desktop channel: the host's 'alert.raised' event, shown by the desktop app and open admin pages. */
  showOnDesktop(alert: AlertRaised): void;
  /** The clock of storm windows, digests and overdue messages; a test moves it instead of waiting. */
  now?: () => number;
  webhookRetryDelaysMs?: readonly number[];
  stormWindowMs?: number;
  report?: (err: unknown) => void;
}

export class AlertCenter {
  private readonly detector: AlertDetector;
  private readonly signInAgain = new SignInAgainWatch((alert) => this.raise(alert));
  private readonly throttle: Throttle;
  private readonly digests = new Map<string, Digest>();
  private readonly webhooks: WebhookSender;
  private readonly now: () => number;
  private tickTimer: NodeJS.Timeout | null = null;
  private certificateTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: AlertCenterOptions) {
    this.now = options.now ?? Date.now;
    this.throttle = new Throttle(options.stormWindowMs);
    this.webhooks = new WebhookSender(options.webhookRetryDelaysMs);
    this.detector = new AlertDetector({
      rule: (kind, list) => this.rule(kind, list),
      listOf: (user) => options.ctx.store.users.get(user)?.list ?? null,
      raise: (alert) => this.raise(alert),
    });
  }

  start(): void {
    this.checkCertificate();
    this.certificateTimer = setInterval(() => this.checkCertificate(), CERTIFICATE_CHECK_MS).unref();
  }

  stop(): void {
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.certificateTimer) clearInterval(this.certificateTimer);
    this.tickTimer = this.certificateTimer = null;
    this.webhooks.stop();
  }

  relayEvent(event: RelayEvent): void {
    this.detector.relayEvent(event, this.now());
    if (DELIVERY_EVENTS.has(event.type)) this.deliveryEvent(event);
    this.arm();
  }

  relayState(state: RelayState): void {
    this.detector.relayState(state);
    this.arm();
  }

  /** The smarthost's OAuth state, as the token keeper reports it: "sign in again" is a delivery problem. */
  upstreamOAuth(status: OAuthStatus): void {
    const upstream = this.options.ctx.store.data.upstream;
    this.signInAgain.change(status, upstream.mode === 'smarthost' ? upstream.user : null);
  }

  /** The rule in force: the list's own for the kind, else the one for every list. */
  rule(kind: AlertRule['kind'], list: string | null): AlertRule {
    const rules = this.options.ctx.store.data.alerts.rules;
    const own = list === null ? undefined : rules.find((r) => r.kind === kind && r.list === list);
    return own ?? rules.find((r) => r.kind === kind && r.list === null) ?? { kind, list: null, on: true, threshold: null, queueThreshold: null };
  }

  raise(alert: Alert): void {
    if (!this.rule(alert.kind, alert.list).on) return;
    if (this.throttle.admit(alert, this.now())) this.dispatch(alert);
    this.arm();
  }

  /** Storm summaries, finished digests and overdue messages; the timer calls it, and a test with its own clock. */
  tick(): void {
    const now = this.now();
    this.detector.checkOverdue(now);
    for (const summary of this.throttle.due(now)) this.dispatch(summary);
    for (const channel of this.options.ctx.store.data.alerts.channels) {
      const digest = this.digests.get(channel.id)?.due(now);
      if (digest) void this.sendTo(channel, digest);
    }
    this.arm();
  }

  /** A test alert through one channel or all, answered with what became of each (a webhook: its first try). */
  async test(id?: string): Promise<AlertHistoryEntry[]> {
    const channels = this.options.ctx.store.data.alerts.channels.filter((c) => id === undefined || c.id === id);
    const alert: AlertLike = {
      kind: 'test',
      subject: 'test',
      list: null,
      title: 'Test alert',
      body: 'This is a test alert from Relay Desk: this channel works. Nothing needs doing.',
      messageId: null,
    };
    return Promise.all(channels.map((c) => this.sendTo(c, alert)));
  }

  private dispatch(alert: Alert): void {
    for (const channel of this.options.ctx.store.data.alerts.channels) {
      if (channel.frequency === 'immediate') {
        void this.sendTo(channel, alert);
        continue;
      }
      let digest = this.digests.get(channel.id);
      if (!digest || digest.frequency !== channel.frequency) {
        digest = new Digest(channel.frequency);
        this.digests.set(channel.id, digest);
      }
      // A period that ended before the timer looked goes out first: this alert belongs to the next one.
      const ended = digest.due(this.now());
      if (ended) void this.sendTo(channel, ended);
      digest.add(alert, this.now());
    }
  }

  /** Sends and records; resolves with the record (a webhook's first try, its final outcome recorded when known). */
  private async sendTo(channel: AlertChannel, alert: AlertLike | DigestAlert): Promise<AlertHistoryEntry> {
    const at = new Date(this.now()).toISOString();
    const entry = (outcome: PostOutcome): AlertHistoryEntry => ({
      at,
      kind: alert.kind,
      title: alert.title,
      channel: describeChannel(channel),
      channelType: channel.type,
      delivered: outcome.delivered,
      detail: outcome.detail,
      messageId: alert.messageId,
    });
    const record = (e: AlertHistoryEntry) => void this.options.history.add(e).catch((err: unknown) => this.report(err));
    if (channel.type === 'webhook') {
      const body = JSON.stringify(webhookPayload(alert, at));
      const first = await this.webhooks.send(channel.url, () => this.options.ctx.vault.get(vaultNames.webhookSecret(channel.id)), body, (final) =>
        record(entry(final)),
      );
      return entry(first);
    }
    const outcome = channel.type === 'email' ? await this.mail(channel, alert) : this.desktop(alert);
    const e = entry(outcome);
    record(e);
    return e;
  }

  private desktop(alert: AlertLike): PostOutcome {
    this.options.showOnDesktop({ kind: alert.kind, title: alert.title, body: alert.body, messageId: alert.messageId });
    return { delivered: true, detail: 'shown by the desktop app and by admin pages open with notifications on' };
  }

  private async mail(channel: Extract<AlertChannel, { type: 'email' }>, alert: AlertLike): Promise<PostOutcome> {
    const { ctx } = this.options;
    // Checked at each sending: the sender may have been removed since the channel was added.
    if (!addressMaySend(ctx.store.data, channel.from)) return { delivered: false, detail: `${channel.from} is no longer a verified sender; choose another for this channel` };
    try {
      const content = alertMessage(alert, channel.from, channel.to, ctx.hostname(), new Date(this.now()));
      const id = await ctx.submitMail({ from: channel.from, to: channel.to, content });
      return { delivered: true, detail: `queued for delivery as ${id}` };
    } catch (err) {
      return { delivered: false, detail: `the relay did not take the mail: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  private deliveryEvent(event: RelayEvent): void {
    const hooks = this.options.ctx.store.data.alerts.channels.filter((c) => c.type === 'webhook' && c.deliveryEvents);
    if (hooks.length === 0) return;
    const { type, ...rest } = event;
    const body = JSON.stringify({ type: 'delivery', event: type, at: new Date(this.now()).toISOString(), ...deliveryFields(rest) });
    for (const hook of hooks) {
      if (hook.type !== 'webhook') continue;
      // Events are not alerts: not throttled, not in the alert history; a failure after every retry is logged.
      void this.webhooks.send(hook.url, () => this.options.ctx.vault.get(vaultNames.webhookSecret(hook.id)), body, (final) => {
        if (!final.delivered) this.report(new Error(`delivery event to ${hook.url}: ${final.detail}`));
      });
    }
  }

  private checkCertificate(): void {
    const view = storedCertificateView(this.options.ctx.store.data.server.tls);
    if (view) this.detector.checkCertificate(view.notAfter, view.fingerprint, this.now());
  }

  /** The timer runs while something waits on it, and stops when nothing does. */
  private arm(): void {
    const needed = this.detector.hasDeferred || this.throttle.pending || [...this.digests.values()].some((d) => d.pending);
    if (needed && !this.tickTimer) this.tickTimer = setInterval(() => this.tick(), TICK_MS).unref();
    else if (!needed && this.tickTimer) {
      clearInterval(this.tickTimer);
      this.tickTimer = null;
    }
  }

  private report(err: unknown): void {
    (this.options.report ?? ((e: unknown) => console.error('relay-desk: alert center:', e instanceof Error ? e.message : e)))(err);
  }
}

function describeChannel(channel: AlertChannel): string {
  if (channel.type === 'email') return `email to ${channel.to.join(', ')}`;
  if (channel.type === 'webhook') return `webhook ${channel.url}`;
  return 'desktop notification';
}

function webhookPayload(alert: AlertLike | DigestAlert, at: string): Record<string, unknown> {
  const base = { at, kind: alert.kind, title: alert.title, body: alert.body, subject: alert.subject, list: alert.list, messageId: alert.messageId };
  return 'counts' in alert ? { type: 'digest', ...base, counts: alert.counts } : { type: 'alert', ...base };
}

/** What a delivery event tells a webhook: the message, its recipients and the outcome; never headers added or other internals. */
function deliveryFields(event: Record<string, unknown>): Record<string, unknown> {
  const keep = ['id', 'user', 'list', 'envelope', 'subject', 'recipients', 'response', 'error', 'attempts', 'nextAttemptAt', 'reason'];
  return Object.fromEntries(keep.filter((k) => k in event).map((k) => [k, event[k]]));
}
