import { BarChart } from '@mui/x-charts/BarChart';
import type { MethodOutput } from '#api/contract.js';

type Series = MethodOutput<'stats.get'>['series'];

const SERIES = [
  { dataKey: 'delivered', label: 'Delivered', stack: 'fate', color: '#2e7d32' },
  { dataKey: 'deferred', label: 'Deferred', stack: 'fate', color: '#ed6c02' },
  { dataKey: 'bounced', label: 'Bounced', stack: 'fate', color: '#d32f2f' },
  { dataKey: 'refused', label: 'Refused', color: '#757575' },
];

/** The period's messages day by day: what became of their recipients, and the refused attempts beside them. */
export function StatsChart({ series }: { series: Series }) {
  return (
    <BarChart
      height={260}
      dataset={series}
      xAxis={[{ scaleType: 'band', dataKey: 'day' }]}
      series={SERIES}
      aria-label="messages per day"
      skipAnimation
    />
  );
}
