import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState, type SyntheticEvent } from 'react';
import type { ApiClient } from '#api/client.js';
import type { CanSendResult } from '#api/schemas/doctor.js';
import { ActionProblem } from '../../components/ActionProblem.js';
import { Section } from '../../components/Section.js';
import { useAction } from '../../components/useAction.js';

const FIELDS = ['user', 'address', 'client'] as const;

/** "Can this user send as this address?", answered by the relay's own rule. */
export function CanSendSection({ client }: { client: ApiClient }) {
  const [user, setUser] = useState('');
  const [address, setAddress] = useState('');
  const [device, setDevice] = useState('');
  const [result, setResult] = useState<CanSendResult | null>(null);
  const action = useAction(FIELDS);
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    setResult(null);
    const input = { user, address, ...(device.trim() ? { client: device.trim() } : {}) };
    void action.run(async () => setResult(await client.call('doctor.canSend', input)));
  };
  return (
    <Section id="can-send-title" title="Can this user send as this address?" intro="The relay's own rule, with the reason and what to change.">
      <Stack component="form" direction={{ xs: 'column', sm: 'row' }} spacing={1} onSubmit={submit} sx={{ alignItems: 'flex-start' }}>
        <TextField label="SMTP user" size="small" value={user} onChange={(e) => setUser(e.target.value)} error={Boolean(action.errors.user)} helperText={action.errors.user} required />
        <TextField label="Sender address" size="small" value={address} onChange={(e) => setAddress(e.target.value)} error={Boolean(action.errors.address)} helperText={action.errors.address} required />
        <TextField label="Device IP (optional)" size="small" value={device} onChange={(e) => setDevice(e.target.value)} error={Boolean(action.errors.client)} helperText={action.errors.client} />
        <Button type="submit" variant="outlined" disabled={action.busy}>
          Check
        </Button>
      </Stack>
      <ActionProblem problem={action.problem} />
      {result && (
        <Alert severity={result.allowed ? 'success' : 'error'} sx={{ mt: 2 }} role="status">
          <Typography variant="body2">
            <strong>{result.allowed ? 'Yes.' : 'No.'}</strong> {result.explanation}
          </Typography>
          {result.fix && (
            <Typography variant="body2" sx={{ mt: 0.5 }}>
              <strong>What to do:</strong> {result.fix}
            </Typography>
          )}
          {result.client && (
            <Typography variant="body2" sx={{ mt: 0.5 }}>
              {result.client}
            </Typography>
          )}
        </Alert>
      )}
    </Section>
  );
}
