/** MailUp's seven ways to aggregate a list's messages, as the Statistics screen says them. */
import type { AggregateMode, Aggregation, TimeUnit } from '#api/schemas/stats.js';

export const MODE_WORDS: Record<AggregateMode, string> = {
  time: 'By time',
  subject: 'By subject',
  'dynamic-subject': 'By dynamic subject (numbers, ids and dates ignored)',
  sender: 'By sender email',
  'sender-name': 'By sender name',
  'sender-subject': 'By sender email and subject',
  user: 'By SMTP user',
};

export const UNIT_WORDS: Record<TimeUnit, string> = { day: 'Day', week: 'Week', month: 'Month', year: 'Year' };

export const MODES = Object.keys(MODE_WORDS) as AggregateMode[];
export const UNITS = Object.keys(UNIT_WORDS) as TimeUnit[];

export function sameAggregation(a: Aggregation, b: Aggregation): boolean {
  return a.mode === b.mode && (a.mode !== 'time' || a.unit === b.unit);
}
