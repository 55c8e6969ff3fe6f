import IconButton from '@mui/material/IconButton';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useId, type ReactNode } from 'react';
import { BusyBar } from '../../components/BusyBar.js';
import { DeleteIcon } from '../../components/icons.js';

export interface SenderCardProps {
  name: string;
  chip: ReactNode;
  /** When it was added, sent a code, verified. */
  dates: string;
  /** Buttons shown beside the remove button. */
  actions?: ReactNode;
  /** A DNS check or a code being sent: shown as a bar, and removal waits. */
  busy: boolean;
  onRemove: () => void;
  children?: ReactNode;
}

/** The frame every domain and address is shown in: name, status, dates, actions, then details. */
export function SenderCard({ name, chip, dates, actions, busy, onRemove, children }: SenderCardProps) {
  const titleId = useId();
  return (
    <Paper variant="outlined" component="article" aria-labelledby={titleId} aria-busy={busy} sx={{ overflow: 'hidden' }}>
      <BusyBar busy={busy} label={`Working on ${name}`} />
      <Stack spacing={1.5} sx={{ p: 2, pt: 1.5 }}>
        <div>
          <Stack direction="row" spacing={1.5} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
            <Typography variant="subtitle1" component="h3" id={titleId} sx={{ fontWeight: 600, overflowWrap: 'anywhere' }}>
              {name}
            </Typography>
            {chip}
            <Stack direction="row" spacing={1} sx={{ alignItems: 'center', ml: 'auto !important' }}>
              {actions}
              <Tooltip title="Remove">
                <span>
                  <IconButton aria-label={`Remove ${name}`} onClick={onRemove} disabled={busy}>
                    <DeleteIcon fontSize="small" />
                  </IconButton>
                </span>
              </Tooltip>
            </Stack>
          </Stack>
          <Typography variant="body2" color="text.secondary">
            {dates}
          </Typography>
        </div>
        {children}
      </Stack>
    </Paper>
  );
}
