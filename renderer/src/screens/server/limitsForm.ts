import type { MethodInput } from '#api/contract.js';
import { LIMIT_BOUNDS, type ServerView } from '#api/schemas/server.js';
import type { FieldErrors } from '../../components/useAction.js';

/** Mail programs count sizes in binary megabytes; the default 25 MB is 25 × 1,048,576 bytes. */
const MB = 1024 * 1024;
const MAX_MB = LIMIT_BOUNDS.messageBytes.max / MB;
const MIN_BYTES = LIMIT_BOUNDS.messageBytes.min;
const MAX_COUNT = LIMIT_BOUNDS.count.max;
const MAX_PER_MINUTE = LIMIT_BOUNDS.perMinute.max;

export interface LimitsForm {
  maxMessageMb: string;
  maxRecipients: string;
  maxConnections: string;
  maxConnectionsPerClient: string;
  maxConnectionRatePerClient: string;
}

export function limitsFormFor(limits: ServerView['limits']): LimitsForm {
  return {
    maxMessageMb: String(Math.round((limits.maxMessageBytes / MB) * 100) / 100),
    maxRecipients: String(limits.maxRecipients),
    maxConnections: String(limits.maxConnections),
    maxConnectionsPerClient: String(limits.maxConnectionsPerClient),
    maxConnectionRatePerClient: String(limits.maxConnectionRatePerClient),
  };
}

function count(text: string, what: string, max: number = MAX_COUNT): number | string {
  const value = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || value < 1 || value > max) return `Enter a whole number of ${what} from 1 to ${max.toLocaleString()}.`;
  return value;
}

/** The API input for the form, or what keeps it from being sent, by the API's field names. */
export function limitsInput(form: LimitsForm): { input: MethodInput<'server.setLimits'> } | { errors: FieldErrors } {
  const mb = Number(form.maxMessageMb.trim().replace(',', '.'));
  const bytes = Math.round(mb * MB);
  const maxMessageBytes =
    form.maxMessageMb.trim() === '' || !Number.isFinite(mb) || bytes < MIN_BYTES || mb > MAX_MB
      ? `Enter a size in MB from 0.01 to ${MAX_MB}, such as 25.`
      : bytes;
  const checked = {
    maxMessageBytes,
    maxRecipients: count(form.maxRecipients, 'recipients'),
    maxConnections: count(form.maxConnections, 'connections'),
    maxConnectionsPerClient: count(form.maxConnectionsPerClient, 'connections'),
    maxConnectionRatePerClient: count(form.maxConnectionRatePerClient, 'connections a minute', MAX_PER_MINUTE),
  };
  const { maxRecipients, maxConnections, maxConnectionsPerClient, maxConnectionRatePerClient } = checked;
  if (
    typeof maxMessageBytes === 'number' &&
    typeof maxRecipients === 'number' &&
    typeof maxConnections === 'number' &&
    typeof maxConnectionsPerClient === 'number' &&
    typeof maxConnectionRatePerClient === 'number'
  ) {
    return { input: { maxMessageBytes, maxRecipients, maxConnections, maxConnectionsPerClient, maxConnectionRatePerClient } };
  }
  const errors: FieldErrors = {};
  for (const [field, v] of Object.entries(checked)) if (typeof v === 'string') errors[field] = v;
  return { errors };
}
