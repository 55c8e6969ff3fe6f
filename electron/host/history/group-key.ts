/**
 * The statistics groups as SQL: the key a message falls under for each way
 * of aggregating (MailUp's seven modes, "time" in four periods). A message
 * with a CampaignCode falls under its campaign whatever the mode. Keys are
 * prefixed ("c:" campaign, "g:" group) so a subject can never pass for a
 * campaign. Times are the host's local calendar, as the admin reads them.
 */
import type { Aggregation, GroupBy } from '../../api/schemas/stats.js';

/** SQLite's local time of an epoch-ms column expression. */
function localTime(ms: string): string {
  return `${ms} / 1000, 'unixepoch', 'localtime'`;
}

/** The key of a time period, for an epoch-ms expression. */
export function periodSql(unit: Aggregation['unit'], ms: string): string {
  switch (unit) {
    case 'day':
      return `strftime('%Y-%m-%d', ${localTime(ms)})`;
    case 'week':
      // The Monday that starts the week.
      return `date(${localTime(ms)}, '-6 days', 'weekday 1')`;
    case 'month':
      return `strftime('%Y-%m', ${localTime(ms)})`;
    case 'year':
      return `strftime('%Y', ${localTime(ms)})`;
  }
}

/** The acceptance time of `messages m` in ms. */
export const ACCEPTED_MS = 'm.seq / 1024';

/** The group's value (without the campaign) for `messages m`. */
function valueSql(by: GroupBy): string {
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
