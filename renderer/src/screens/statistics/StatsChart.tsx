import { BarChart } from '@mui/x-charts/BarChart';
import type { MethodOutput } from '#api/contract.js';

type Series = MethodOutput<'stats.get'>['series'];

const SERIES = [
  { dataKey: 'delivered', label: 'Delivered', stack: 'fate', color: '#2e7d32' },
  { dataKey: 'deferred', label: 'Deferred', stack: 'fate', color: '#ed6c02' },
  { dataKey: 'bounced', label: 'Bounced', stack: 'fate', color: '#d32f2f' },
  { dataKey: 'refused', label: 'Refused', color: '#757575' },
];

const localDay = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/** The local midnight that starts a period of `days` whole days ending today (today included): what the table counts and the chart shows. */
export function periodStart(days: number, now = new Date()): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() - (days - 1));
}

/** Every day of the period, the host's days where it has any and zeros between: a quiet day shows as one, not as nothing. */
function everyDay(series: Series, days: number, now = new Date()): Series {
  const known = new Map(series.map((day) => [day.day, day]));
  return Array.from({ length: days }, (_, i) => {
    const start = periodStart(days, now);
    const day = localDay(new Date(start.getFullYear(), start.getMonth(), start.getDate() + i));
    return known.get(day) ?? { day, accepted: 0, recipients: 0, delivered: 0, deferred: 0, bounced: 0, refused: 0 };
  });
}

/** The period's messages day by day: what became of their recipients, and the refused attempts beside them. */
export function StatsChart({ series, days }: { series: Series; days: number }) {
  const dataset = everyDay(series, days);
  const empty = dataset.every((d) => d.delivered + d.deferred + d.bounced + d.refused === 0);
  return (
    <BarChart
      height={260}
      dataset={dataset}
      xAxis={[{ scaleType: 'band', dataKey: 'day' }]}
      // Whole messages only; an empty period still shows a 0-to-1 axis instead of an unreadable one.
      yAxis={[{ min: 0, tickMinStep: 1, ...(empty ? { max: 1 } : {}) }]}
      series={SERIES}
      aria-label="messages per day"
      skipAnimation
    />
  );
}
