import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import { useState, type SyntheticEvent } from 'react';
import type { ApiClient } from '#api/client.js';
import type { ServerView } from '#api/schemas/server.js';
import { ActionField } from '../../components/ActionField.js';
import { AddIcon } from '../../components/icons.js';
import { useAction } from '../../components/useAction.js';
import { ENCRYPTIONS, type Encryption } from './listenerChoices.js';

const FIELDS = ['port', 'encryption', 'requireTlsForAuth'] as const;

/** A new port, checked by the host (a port already set up is changed in its row), whose reason shows beside the field. */
export function AddListenerForm({ client, onSaved }: { client: ApiClient; onSaved: (view: ServerView) => void }) {
  const [port, setPort] = useState('');
  const [encryption, setEncryption] = useState<Encryption>('starttls');
  const [requireTlsForAuth, setRequireTlsForAuth] = useState(true);
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
            create: true,
            ...(encryption === 'starttls' ? { requireTlsForAuth } : {}),
          }),
        ),
      )
      .then((done) => done && setPort(''));
  };

  return (
    <Stack component="form" onSubmit={submit} noValidate aria-label="Add a port" direction="row" spacing={2} useFlexGap sx={{ alignItems: 'flex-start', flexWrap: 'wrap' }}>
      <ActionField
        action={action}
        field="port"
        id="listener-port"
        label="Port"
        value={port}
        onValue={setPort}
        hint="25, 80, 465, 587 or 1025–5000"
        disabled={action.busy}
        sx={{ width: 220 }}
        slotProps={{ htmlInput: { inputMode: 'numeric' } }}
      />
      <ActionField
        action={action}
        field="encryption"
        select
        id="listener-encryption"
        label="Encryption"
        value={encryption}
        onValue={(value) => setEncryption(value as Encryption)}
        hint={hint}
        disabled={action.busy}
        sx={{ width: 300 }}
      >
        {ENCRYPTIONS.map((e) => (
          <MenuItem key={e.value} value={e.value}>
            {e.label}
          </MenuItem>
        ))}
      </ActionField>
      {encryption === 'starttls' && (
        <div>
          <FormControlLabel
            control={<Checkbox id="listener-require-tls" checked={requireTlsForAuth} onChange={(e) => setRequireTlsForAuth(e.target.checked)} disabled={action.busy} />}
            label="Require TLS before login"
          />
          {action.errors.requireTlsForAuth ? (
            <FormHelperText error>{action.errors.requireTlsForAuth}</FormHelperText>
          ) : (
            !requireTlsForAuth && <FormHelperText sx={{ color: 'warning.main', maxWidth: 260 }}>Logins without TLS: passwords cross the network readable.</FormHelperText>
          )}
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
