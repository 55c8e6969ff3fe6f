/**
 * Webhook channels: JSON POSTed to an HTTPS URL (or plain HTTP on this
 * machine's loopback, where nothing crosses a network), signed as Stripe and
 * SendGrid sign theirs: `X-Relay-Desk-Signature: t=<unix seconds>,v1=<hex
 * HMAC-SHA256 of "<t>.<body>">`, so the receiver can check both who sent it
 * and that it is fresh. A failed POST is tried again after 1 s, 5 s, 30 s,
 * 2 min and 10 min.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { ApiError } from '../../api/contract.js';

export const SIGNATURE_HEADER = 'X-Relay-Desk-Signature';
const RETRY_DELAYS_MS = [1_000, 5_000, 30_000, 120_000, 600_000];
const TIMEOUT_MS = 10_000;

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}

function signature(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1';
}

/** The URL as it will be POSTed to, or an invalid_input error saying why not. */
export function checkWebhookUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new ApiError('invalid_input', `${input} is not a URL; give one such as https://hooks.example.com/relay-desk`, 'url');
  }
  if (url.username || url.password) throw new ApiError('invalid_input', 'The webhook URL must not carry a user name or password: it is signed instead.', 'url');
  if (url.protocol === 'https:') return url.href;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return url.href;
  throw new ApiError('invalid_input', 'A webhook URL must be https://, or http:// only to this computer (127.0.0.1, ::1, localhost): alerts would cross the network readable.', 'url');
}

export interface PostOutcome {
  delivered: boolean;
  /** The HTTP status, or why no answer came. */
  detail: string;
}

/** One signed POST; never throws. */
async function postOnce(url: string, secret: string, body: string, now = Date.now()): Promise<PostOutcome> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'Relay-Desk-Webhook', [SIGNATURE_HEADER]: signature(secret, body, Math.floor(now / 1000)) },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await res.body?.cancel();
    return res.ok ? { delivered: true, detail: `HTTP ${res.status}` } : { delivered: false, detail: `the webhook answered HTTP ${res.status}` };
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : String(err);
    return { delivered: false, detail: `the webhook could not be reached: ${cause}` };
  }
}

/** POSTs with retries; timers are cancelled by stop(), so a stopping host waits for none. */
export class WebhookSender {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly delaysMs: readonly number[] = RETRY_DELAYS_MS) {}

  /**
   * Resolves with the first try's outcome; `final` hears the last one (the
   * first success, or the failure after every retry).
   */
  async send(url: string, secret: () => string | null, body: string, final: (outcome: PostOutcome) => void): Promise<PostOutcome> {
    const attempt = async (): Promise<PostOutcome> => {
      const key = secret();
      return key === null ? { delivered: false, detail: 'the signing secret is missing from the vault; remove the channel and add it again' } : postOnce(url, key, body);
    };
    const first = await attempt();
    const retry = (outcome: PostOutcome, n: number): void => {
      const delay = this.delaysMs[n];
      if (outcome.delivered || delay === undefined) {
        final(n === 0 ? outcome : { ...outcome, detail: `${outcome.detail} (after ${n + 1} tries)` });
        return;
      }
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void attempt().then((next) => retry(next, n + 1));
      }, delay).unref();
      this.timers.add(timer);
    };
    retry(first, 0);
    return first;
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
