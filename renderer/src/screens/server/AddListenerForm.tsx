import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useState, type SyntheticEvent } from 'react';
import type { ApiClient } from '../../../../electron/api/client.js';
import type { ServerView } from '../../../../electron/api/schemas/server.js';
import { AddIcon } from '../../components/icons.js';
import { ENCRYPTIONS, type Encryption } from './listenerChoices.js';
import { useAction } from './useAction.js';

const FIELDS = ['port', 'encryption', 'requireTlsForAuth'] as const;

/** A new port (or new settings for one already there), checked by the host, whose reason shows beside the field. */
export function AddListenerForm({ client, onSaved }: { client: ApiClient; onSaved: (view: ServerView) => void }) {
  const [port, setPort] = useState('');
  const [encryption, setEncryption] = useState<Encryption>('starttls');
  const [requireTlsForAuth, setRequireTlsForAuth] = useState(false);
  const action = useAction(FIELDS);
  const hint = ENCRYPTIONS.find((e) => e.value === encryption)?.hint;

  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    const number = Number(port.trim());
    if (!/^\d+$/.test(port.trim()) || number < 1 || number > 65535) {
      action.refuse({ port: 'Enter a port number, such as 587.' });
      return;
    }
    void action
      .run(async () =>
        onSaved(
          await client.call('server.setListener', {
            port: number,
            encryption,
            ...(encryption === 'starttls' ? { requireTlsForAuth } : {}),
          }),
        ),
      )
      .then((done) => done && setPort(''));
  };

  return (
    <Stack component="form" onSubmit={submit} noValidate aria-label="Add a port" direction="row" spacing={2} useFlexGap sx={{ alignItems: 'flex-start', flexWrap: 'wrap' }}>
      <TextField
        id="listener-port"
        label="Port"
        value={port}
        onChange={(e) => {
          setPort(e.target.value);
          action.clear('port');
        }}
        error={Boolean(action.errors.port)}
        helperText={action.errors.port ?? '25, 80, 465, 587 or 1025–5000'}
        disabled={action.busy}
        size="small"
        sx={{ width: 220 }}
        slotProps={{ htmlInput: { inputMode: 'numeric' } }}
      />
      <TextField
        select
        id="listener-encryption"
        label="Encryption"
        value={encryption}
        onChange={(e) => {
          setEncryption(e.target.value as Encryption);
          action.clear('encryption');
        }}
        error={Boolean(action.errors.encryption)}
        helperText={action.errors.encryption ?? hint}
        disabled={action.busy}
        size="small"
        sx={{ width: 300 }}
      >
        {ENCRYPTIONS.map((e) => (
          <MenuItem key={e.value} value={e.value}>
            {e.label}
          </MenuItem>
        ))}
      </TextField>
      {encryption === 'starttls' && (
        <div>
          <FormControlLabel
            control={<Checkbox id="listener-require-tls" checked={requireTlsForAuth} onChange={(e) => setRequireTlsForAuth(e.target.checked)} disabled={action.busy} />}
            label="Require TLS before login"
          />
          {action.errors.requireTlsForAuth && <FormHelperText error>{action.errors.requireTlsForAuth}</FormHelperText>}
        </div>
      )}
      <Button type="submit" variant="contained" startIcon={<AddIcon />} disabled={action.busy} sx={{ mt: 0.25 }}>
        {action.busy ? 'Adding…' : 'Add port'}
      </Button>
      {action.problem && (
        <FormHelperText error sx={{ flexBasis: '100%' }}>
          {action.problem}
        </FormHelperText>
      )}
    </Stack>
  );
}
