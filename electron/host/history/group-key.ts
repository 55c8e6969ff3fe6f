/**
 * The statistics groups as SQL: the key a message falls under for each way
 * of aggregating (MailUp's seven modes, "time" in four periods). A message
 * with a CampaignCode falls under its campaign whatever the mode. Keys are
 * prefixed ("c:" campaign, "g:" group) so a subject can never pass for a
 * campaign. Times are the host's local calendar, as the admin reads them.
 */
import type { Aggregation, GroupBy } from '../../api/schemas/stats.js';

/** The key of a time period, for a local day ('YYYY-MM-DD') expression. */
export function periodOfDaySql(unit: Aggregation['unit'], day: string): string {
  switch (unit) {
    case 'day':
      return day;
    case 'week':
      // The Monday that starts the week.
      return `date(${day}, '-6 days', 'weekday 1')`;
    case 'month':
      return `substr(${day}, 1, 7)`;
    case 'year':
      return `substr(${day}, 1, 4)`;
  }
}

/** The key of a time period, for an epoch-ms expression (local_day: ./local-day.ts). */
export function periodSql(unit: Aggregation['unit'], ms: string): string {
  return periodOfDaySql(unit, `local_day(${ms})`);
}

/** The acceptance time of `messages m` in ms. */
export const ACCEPTED_MS = 'm.seq / 1024';

/** The group's value (without the campaign) for `messages m`. */
export function valueSql(by: GroupBy): string {
  switch (by) {
    case 'day':
    case 'week':
    case 'month':
    case 'year':
      return periodSql(by, ACCEPTED_MS);
    case 'subject':
      return 'm.subject';
    case 'dynamic-subject':
      return 'm.dynamic_subject';
    case 'sender':
      return 'lower(m.from_addr)';
    case 'sender-name':
      return 'm.from_name';
    case 'sender-subject':
      return "lower(m.from_addr) || char(10) || m.subject";
    case 'user':
      return 'm.user';
  }
}

/** The whole key of `messages m`: its campaign, or its group in this mode. */
export function groupKeySql(by: GroupBy): string {
  return `CASE WHEN m.campaign_code IS NOT NULL THEN 'c:' || m.campaign_code ELSE 'g:' || ${valueSql(by)} END`;
}

/** What a group is called on screen. */
export function groupLabel(by: GroupBy, key: string): string {
  const value = key.slice(2);
  if (key.startsWith('c:')) return `Campaign ${value}`;
  switch (by) {
    case 'week':
      return `Week of ${value}`;
    case 'sender-subject': {
      const [sender = '', subject = ''] = value.split('\n');
      return `${sender} — ${subject || '(no subject)'}`;
    }
    case 'subject':
    case 'dynamic-subject':
      return value || '(no subject)';
    case 'sender-name':
      return value || '(no name)';
    default:
      return value;
  }
}
