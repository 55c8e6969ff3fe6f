/** How the Messages screen says statuses and times. */
import type { MessageStatus } from '#api/schemas/messages.js';

export const STATUS_WORDS: Record<MessageStatus, { label: string; color: 'default' | 'info' | 'success' | 'warning' | 'error' }> = {
  queued: { label: 'Queued', color: 'info' },
  sending: { label: 'Sending', color: 'info' },
  deferred: { label: 'Deferred', color: 'warning' },
  delivered: { label: 'Delivered', color: 'success' },
  'partly-delivered': { label: 'Partly delivered', color: 'warning' },
  bounced: { label: 'Bounced', color: 'error' },
  deleted: { label: 'Deleted', color: 'default' },
  unknown: { label: 'Unknown', color: 'default' },
};

export const STATUSES = Object.keys(STATUS_WORDS) as MessageStatus[];

/** Where in the SMTP conversation an attempt was refused, as an admin reads it. */
export const STAGE_WORDS: Record<string, string> = {
  connect: 'Connection',
  auth: 'Login',
  mail: 'MAIL FROM',
  rcpt: 'RCPT TO',
  data: 'Message (DATA)',
  timeout: 'Timed out',
  commands: 'Too many commands',
  evicted: 'Closed: relay full',
};

/** Messages an admin can still act on: retried or deleted. */
export function isInQueue(status: MessageStatus): boolean {
  return status === 'queued' || status === 'deferred' || status === 'sending';
}

/** A time as "2026-12-04 21:07:03", in the admin's time zone. */
export function dateTime(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function byteSize(bytes: number | null): string {
  if (bytes === null) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
