/**
 * Statistics: a list's messages aggregated the way the admin chose for that
 * list (MailUp's seven modes). A CampaignCode from X-SMTPAPI groups first,
 * whatever the mode. The choice applies to the stored history as it is.
 */
import { z } from 'zod';

export const AggregateModeSchema = z.enum(['time', 'subject', 'dynamic-subject', 'sender', 'sender-name', 'sender-subject', 'user']);
export type AggregateMode = z.infer<typeof AggregateModeSchema>;

/** The periods of the "time" mode. */
export const TimeUnitSchema = z.enum(['day', 'week', 'month', 'year']);
export type TimeUnit = z.infer<typeof TimeUnitSchema>;

/** A list's aggregation setting: the mode, and for "time" its period. */
export const AggregationSchema = z.object({ mode: AggregateModeSchema, unit: TimeUnitSchema });
export type Aggregation = z.infer<typeof AggregationSchema>;

/** One word for an aggregation, as a Messages filter names a group's kind: the period for "time", else the mode. */
export const GroupBySchema = z.enum(['day', 'week', 'month', 'year', 'subject', 'dynamic-subject', 'sender', 'sender-name', 'sender-subject', 'user']);
export type GroupBy = z.infer<typeof GroupBySchema>;

export function groupByOf(aggregation: Aggregation): GroupBy {
  return aggregation.mode === 'time' ? aggregation.unit : aggregation.mode;
}

/** The most groups stats.get returns: a mode like "subject" can have one group per message. */
export const MAX_STATS_GROUPS = 1_000;

export const StatsCountsSchema = z.object({
  accepted: z.number().int(),
  recipients: z.number().int(),
  delivered: z.number().int(),
  deferred: z.number().int(),
  bounced: z.number().int(),
  /** Refused attempts by this list's users in the period (time mode and user mode only; 0 where no group can be told). */
  refused: z.number().int(),
});

export const StatsGroupSchema = StatsCountsSchema.extend({
  /** What the Messages screen filters by to show this group (`group` filter). */
  key: z.string(),
  /** The group as shown: the day, the subject pattern, the sender, "Campaign SPRING24", ... */
  label: z.string(),
  /** A CampaignCode group, which comes before the mode's groups. */
  campaign: z.boolean(),
  firstAt: z.string(),
  lastAt: z.string(),
});
export type StatsGroup = z.infer<typeof StatsGroupSchema>;

const Time = z.iso.datetime({ offset: true });

export const statsMethods = {
  'stats.get': {
    input: z
      .object({
        list: z.string().max(100),
        /** Without it, the list's chosen aggregation. */
        by: AggregationSchema.optional(),
        since: Time,
        until: Time.optional(),
      })
      .strict(),
    output: z.object({
      aggregation: AggregationSchema,
      /** Campaign groups first, then the time periods in order or the other groups largest first; at most MAX_STATS_GROUPS. */
      groups: z.array(StatsGroupSchema),
      /** Groups left out past MAX_STATS_GROUPS (the smallest), 0 when none were. */
      more: z.number().int(),
      /** The same messages per day over the period, for the chart. */
      series: z.array(StatsCountsSchema.extend({ day: z.string() })),
    }),
  },
  'lists.setAggregation': {
    input: z.object({ name: z.string().max(100), aggregation: AggregationSchema }).strict(),
    output: z.object({ name: z.string(), aggregation: AggregationSchema }),
  },
} as const;
