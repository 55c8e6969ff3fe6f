import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import ListItemText from '@mui/material/ListItemText';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import type { MessageStatus } from '#api/schemas/messages.js';
import { STATUS_WORDS, STATUSES } from './messageWords.js';

/** What the admin typed and chose; the screen turns it into the host's filter. */
export interface FilterFields {
  status: MessageStatus[];
  user: string;
  sender: string;
  search: string;
  period: Period;
}

export const PERIODS = {
  hour: { label: 'Last hour', ms: 3_600_000 },
  day: { label: 'Last 24 hours', ms: 86_400_000 },
  week: { label: 'Last 7 days', ms: 7 * 86_400_000 },
  month: { label: 'Last 30 days', ms: 30 * 86_400_000 },
  all: { label: 'All kept', ms: null },
} as const;
export type Period = keyof typeof PERIODS;

export const NO_FILTER: FilterFields = { status: [], user: '', sender: '', search: '', period: 'all' };

export function isFiltered(fields: FilterFields): boolean {
  return fields.status.length > 0 || fields.user !== '' || fields.sender !== '' || fields.search !== '' || fields.period !== 'all';
}

function StatusFilter({ value, onChange }: { value: MessageStatus[]; onChange: (status: MessageStatus[]) => void }) {
  return (
    <TextField
      select
      size="small"
      label="Status"
      value={value}
      sx={{ width: 200 }}
      slotProps={{
        select: {
          multiple: true,
          renderValue: (chosen) => (chosen as MessageStatus[]).map((s) => STATUS_WORDS[s].label).join(', '),
        },
      }}
      onChange={(e) => onChange(e.target.value as unknown as MessageStatus[])}
    >
      {STATUSES.map((status) => (
        <MenuItem key={status} value={status}>
          <Checkbox size="small" checked={value.includes(status)} sx={{ p: 0.5, mr: 1 }} />
          <ListItemText primary={STATUS_WORDS[status].label} />
        </MenuItem>
      ))}
    </TextField>
  );
}

/** The filters of the accepted messages, or (refused) only those refused attempts can be filtered by. */
export function MessageFilters({ fields, refused, onChange }: { fields: FilterFields; refused: boolean; onChange: (fields: FilterFields) => void }) {
  const set = <K extends keyof FilterFields>(key: K, value: FilterFields[K]) => onChange({ ...fields, [key]: value });
  return (
    <Stack direction="row" spacing={1.5} useFlexGap sx={{ flexWrap: 'wrap', alignItems: 'center' }} role="search" aria-label="message filters">
      {!refused && <StatusFilter value={fields.status} onChange={(status) => set('status', status)} />}
      <TextField size="small" label="User" value={fields.user} onChange={(e) => set('user', e.target.value)} sx={{ width: 140 }} />
      {!refused && (
        <TextField
          size="small"
          label="Sender"
          placeholder="anna@company.com or @company.com"
          value={fields.sender}
          onChange={(e) => set('sender', e.target.value)}
          sx={{ width: 230 }}
        />
      )}
      <TextField
        size="small"
        label="Search"
        placeholder={refused ? 'Sender, recipient or reply' : 'Subject, recipient or queue id'}
        value={fields.search}
        onChange={(e) => set('search', e.target.value)}
        sx={{ flexGrow: 1, minWidth: 220 }}
      />
      <TextField select size="small" label={refused ? 'When' : 'Accepted'} value={fields.period} onChange={(e) => set('period', e.target.value as Period)} sx={{ width: 150 }}>
        {Object.entries(PERIODS).map(([value, { label }]) => (
          <MenuItem key={value} value={value}>
            {label}
          </MenuItem>
        ))}
      </TextField>
      {isFiltered(fields) && <Button onClick={() => onChange(NO_FILTER)}>Clear filters</Button>}
    </Stack>
  );
}
