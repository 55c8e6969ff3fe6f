import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { ApiClient } from '#api/client.js';
import type { Counters } from '#api/schemas/messages.js';
import { useCounters } from './useCounters.js';

const TILES: { key: keyof Omit<Counters, 'since'>; label: string }[] = [
  { key: 'sentToday', label: 'Sent today' },
  { key: 'queued', label: 'Queued' },
  { key: 'deferred', label: 'Deferred' },
  { key: 'bouncedToday', label: 'Bounced today' },
  { key: 'refusedToday', label: 'Refused today' },
];

/** Five numbers at a glance, live from the host's event stream. */
export function CountersBar({ client }: { client: ApiClient }) {
  const counters = useCounters(client);
  return (
    <Stack direction="row" spacing={2} component="ul" aria-label="message counters" sx={{ listStyle: 'none', p: 0, m: 0, flexWrap: 'wrap', rowGap: 2 }}>
      {TILES.map(({ key, label }) => (
        <Paper component="li" variant="outlined" key={key} sx={{ px: 2, py: 1, minWidth: 130 }} aria-label={label}>
          <Typography variant="body2" color="text.secondary">
            {label}
          </Typography>
          <Typography variant="h5" component="p" data-counter={key}>
            {counters ? counters[key].toLocaleString() : '–'}
          </Typography>
        </Paper>
      ))}
    </Stack>
  );
}
