import Checkbox from '@mui/material/Checkbox';
import CircularProgress from '@mui/material/CircularProgress';
import FormHelperText from '@mui/material/FormHelperText';
import IconButton from '@mui/material/IconButton';
import MenuItem from '@mui/material/MenuItem';
import TableCell from '@mui/material/TableCell';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { ApiClient } from '#api/client.js';
import type { RelayState } from '#api/contract.js';
import type { ServerView } from '#api/schemas/server.js';
import { ClearTextLoginWarning } from '../../components/ClearTextLoginWarning.js';
import { DeleteIcon } from '../../components/icons.js';
import { useAction } from '../../components/useAction.js';
import { ENCRYPTIONS, type Encryption } from './listenerChoices.js';
import { ListenerStatus } from './ListenerStatus.js';

export interface ListenerRowProps {
  client: ApiClient;
  listener: ServerView['listeners'][number];
  state: RelayState | null;
  onSaved: (view: ServerView) => void;
  onRemove: () => void;
}

const FIELDS = ['encryption', 'requireTlsForAuth'] as const;

/** One configured port: its encryption, changed in place, and whether the relay listens on it. */
export function ListenerRow({ client, listener, state, onSaved, onRemove }: ListenerRowProps) {
  const { port } = listener;
  // A refused choice stays shown beside the host's reason instead of snapping back.
  const [encryption, setEncryption] = useState<Encryption>(listener.encryption);
  const action = useAction(FIELDS);
  const save = (next: Encryption, requireTlsForAuth?: boolean) => {
    setEncryption(next);
    void action.run(async () => onSaved(await client.call('server.setListener', { port, encryption: next, ...(requireTlsForAuth === undefined ? {} : { requireTlsForAuth }) })));
  };
  const error = action.errors.encryption ?? action.errors.requireTlsForAuth ?? action.problem;
  return (
    <>
      <TableRow sx={listener.clearTextLogins ? { '& > td': { borderBottom: 0 } } : undefined}>
        <TableCell sx={{ fontFamily: 'monospace', fontSize: '1rem' }}>{port}</TableCell>
        <TableCell>
          <TextField
            select
            size="small"
            value={encryption}
            onChange={(e) => save(e.target.value as Encryption)}
            disabled={action.busy}
            error={Boolean(error)}
            sx={{ minWidth: 200 }}
            slotProps={{ htmlInput: { 'aria-label': `Encryption on port ${port}` } }}
          >
            {ENCRYPTIONS.map((e) => (
              <MenuItem key={e.value} value={e.value}>
                {e.label}
              </MenuItem>
            ))}
          </TextField>
          {error && <FormHelperText error sx={{ maxWidth: 320 }}>{error}</FormHelperText>}
        </TableCell>
        <TableCell padding="checkbox" align="center">
          {encryption === 'starttls' ? (
            <Tooltip title="Refuse logins until the client has switched to TLS" describeChild>
              <Checkbox
                checked={listener.requireTlsForAuth}
                onChange={(e) => save('starttls', e.target.checked)}
                disabled={action.busy}
                slotProps={{ input: { 'aria-label': `Require TLS before login on port ${port}` } }}
              />
            </Tooltip>
          ) : (
            <Typography variant="body2" color="text.secondary">
              {encryption === 'none' ? 'Not possible' : 'Always'}
            </Typography>
          )}
        </TableCell>
        <TableCell sx={{ maxWidth: 360 }} aria-live="polite">
          {action.busy ? <CircularProgress size={20} aria-label={`Saving port ${port}`} /> : <ListenerStatus port={port} state={state} />}
        </TableCell>
        <TableCell align="right">
          <Tooltip title={`Remove port ${port}`}>
            <IconButton aria-label={`Remove port ${port}`} onClick={onRemove} disabled={action.busy}>
              <DeleteIcon />
            </IconButton>
          </Tooltip>
        </TableCell>
      </TableRow>
      {listener.clearTextLogins && (
        <TableRow>
          <TableCell colSpan={5} sx={{ pt: 0 }}>
            <ClearTextLoginWarning port={port} />
          </TableCell>
        </TableRow>
      )}
    </>
  );
}
