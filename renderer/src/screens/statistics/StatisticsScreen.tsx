import Alert from '@mui/material/Alert';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useCallback, useState } from 'react';
import type { ApiClient } from '#api/client.js';
import type { MessageFilter } from '#api/schemas/messages.js';
import { groupByOf, type Aggregation, type AggregateMode, type StatsGroup, type TimeUnit } from '#api/schemas/stats.js';
import { ActionProblem } from '../../components/ActionProblem.js';
import { Section } from '../../components/Section.js';
import { useAction } from '../../components/useAction.js';
import { useApiData } from '../../components/useApiData.js';
import { MODE_WORDS, MODES, UNIT_WORDS, UNITS } from './aggregationWords.js';
import { periodStart, StatsChart } from './StatsChart.js';
import { StatsTable } from './StatsTable.js';

const PERIOD_DAYS = [7, 30, 90, 365] as const;
const NO_FIELDS: readonly string[] = [];

export interface StatisticsScreenProps {
  client: ApiClient;
  /** The list chosen at the top; statistics are per list, so '' asks for one. */
  list: string;
  /** Opens the Messages screen filtered to one group. */
  onOpenGroup: (filter: MessageFilter) => void;
}

/** A list's messages aggregated the way the admin chose for that list, as a table and a chart. */
export function StatisticsScreen({ client, list, onOpenGroup }: StatisticsScreenProps) {
  if (!list) {
    return (
      <Section id="statistics-title" title="Statistics">
        <Alert severity="info">Statistics are kept per list: choose a list at the top.</Alert>
      </Section>
    );
  }
  return <ListStatistics key={list} client={client} list={list} onOpenGroup={onOpenGroup} />;
}

function ListStatistics({ client, list, onOpenGroup }: { client: ApiClient; list: string; onOpenGroup: (filter: MessageFilter) => void }) {
  const [days, setDays] = useState<(typeof PERIOD_DAYS)[number]>(30);
  const action = useAction(NO_FIELDS);
  const load = useCallback(() => client.call('stats.get', { list, since: periodStart(days).toISOString() }), [client, list, days]);
  const { value: stats, loading, error, reload } = useApiData(load);
  const aggregation = stats?.aggregation;
  const choose = (next: Aggregation) =>
    void action.run(async () => {
      await client.call('lists.setAggregation', { name: list, aggregation: next });
      reload();
    });
  const open = (group: StatsGroup) => {
    if (!aggregation) return;
    onOpenGroup({ group: { list, by: groupByOf(aggregation), key: group.key } });
  };
  return (
    <Section
      id="statistics-title"
      title={`Statistics of ${list}`}
      intro="How this list's messages are grouped is this list's own setting; a CampaignCode given in X-SMTPAPI groups first. Click a group to see its messages."
    >
      <Stack spacing={2}>
        <Stack direction="row" spacing={1.5} useFlexGap sx={{ flexWrap: 'wrap' }}>
          <TextField
            select
            size="small"
            label="Aggregate"
            value={aggregation?.mode ?? ''}
            disabled={!aggregation || action.busy}
            onChange={(e) => aggregation && choose({ ...aggregation, mode: e.target.value as AggregateMode })}
            sx={{ minWidth: 300 }}
          >
            {MODES.map((mode) => (
              <MenuItem key={mode} value={mode}>
                {MODE_WORDS[mode]}
              </MenuItem>
            ))}
          </TextField>
          {aggregation?.mode === 'time' && (
            <TextField
              select
              size="small"
              label="Per"
              value={aggregation.unit}
              disabled={action.busy}
              onChange={(e) => choose({ ...aggregation, unit: e.target.value as TimeUnit })}
              sx={{ width: 120 }}
            >
              {UNITS.map((unit) => (
                <MenuItem key={unit} value={unit}>
                  {UNIT_WORDS[unit]}
                </MenuItem>
              ))}
            </TextField>
          )}
          <TextField
            select
            size="small"
            label="Period"
            value={days}
            onChange={(e) => setDays(Number(e.target.value) as (typeof PERIOD_DAYS)[number])}
            sx={{ width: 160 }}
          >
            {PERIOD_DAYS.map((d) => (
              <MenuItem key={d} value={d}>
                Last {d} days
              </MenuItem>
            ))}
          </TextField>
        </Stack>
        <ActionProblem problem={action.problem} />
        {error && <Alert severity="error">{error}</Alert>}
        {stats && <StatsChart series={stats.series} days={days} />}
        {stats && stats.groups.length === 0 && !loading ? (
          <Alert severity="info">No message of {list} was accepted in the last {days} days.</Alert>
        ) : (
          <StatsTable groups={stats?.groups ?? []} labelledBy="statistics-title" onOpen={open} />
        )}
      </Stack>
    </Section>
  );
}
