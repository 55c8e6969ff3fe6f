import type { MethodInput } from '../../../../electron/api/contract.js';
import { LIMIT_BOUNDS, type ServerView } from '../../../../electron/api/schemas/server.js';
import type { FieldErrors } from '../../components/useAction.js';

/** Mail programs count sizes in binary megabytes; the default 25 MB is 25 × 1,048,576 bytes. */
const MB = 1024 * 1024;
const MAX_MB = LIMIT_BOUNDS.messageBytes.max / MB;
const MIN_BYTES = LIMIT_BOUNDS.messageBytes.min;
const MAX_COUNT = LIMIT_BOUNDS.count.max;

export interface LimitsForm {
  maxMessageMb: string;
  maxRecipients: string;
  maxConnections: string;
}

export function limitsFormFor(limits: ServerView['limits']): LimitsForm {
  return {
    maxMessageMb: String(Math.round((limits.maxMessageBytes / MB) * 100) / 100),
    maxRecipients: String(limits.maxRecipients),
    maxConnections: String(limits.maxConnections),
  };
}

function count(text: string, what: string): number | string {
  const value = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || value < 1 || value > MAX_COUNT) return `Enter a whole number of ${what} from 1 to ${MAX_COUNT.toLocaleString()}.`;
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
  const maxRecipients = count(form.maxRecipients, 'recipients');
  const maxConnections = count(form.maxConnections, 'connections');
  if (typeof maxMessageBytes === 'number' && typeof maxRecipients === 'number' && typeof maxConnections === 'number') {
    return { input: { maxMessageBytes, maxRecipients, maxConnections } };
  }
  const message = (v: number | string) => (typeof v === 'string' ? v : undefined);
  return { errors: { maxMessageBytes: message(maxMessageBytes), maxRecipients: message(maxRecipients), maxConnections: message(maxConnections) } };
}
