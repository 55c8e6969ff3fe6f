/**
 * What the queue asks of delivery, and what it gets back: one result per
 * recipient, so a message can be partly delivered, partly retried and partly
 * bounced.
 */
import type { Readable } from 'node:stream';

export interface DeliveryJob {
  /** Queue id, for logs and the upstream's Received header. */
  id: string;
  /** Envelope sender; '' for bounces (the null reverse-path). */
  from: string;
  recipients: string[];
  /** The whole message (headers and body) as spooled, each call: the bytes when held in memory, else a fresh stream. */
  body: () => Buffer | Readable;
  /** Domain of the From header: the message is DKIM-signed when a key for it is configured. */
  fromDomain: string | null;
}

export type RecipientStatus = 'delivered' | 'deferred' | 'failed';

export interface RecipientResult {
  recipient: string;
  status: RecipientStatus;
  /** The SMTP reply code that decided it, when there was one. */
  code?: number;
  /** The upstream's reply or the local reason, in its own words. */
  response: string;
  /** The server this result came from ("smtp.example.com:587"); absent when none was tried (no MX found). */
  remoteHost?: string;
}

export interface Deliverer {
  deliver(job: DeliveryJob): Promise<RecipientResult[]>;
  /** Closes pooled connections. */
  close(): Promise<void>;
}
