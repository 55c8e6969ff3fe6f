import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useState, type SyntheticEvent } from 'react';
import type { ApiClient } from '../../../../electron/api/client.js';
import type { AddressView } from '../../../../electron/api/schemas/senders.js';
import { errorField, errorText } from '../../components/errors.js';

export interface CodeFormProps {
  client: ApiClient;
  address: string;
  onVerified: (address: AddressView) => void;
  onBusy: (busy: boolean) => void;
}

/** The code from the mail, typed back; a wrong one says what is wrong and how many tries are left. */
export function CodeForm({ client, address, onVerified, onBusy }: CodeFormProps) {
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [codeError, setCodeError] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const working = (on: boolean) => {
    setBusy(on);
    onBusy(on);
  };
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    if (code.trim() === '') return setCodeError('Enter the 6-digit code from the mail sent to this address.');
    working(true);
    setCodeError(null);
    setProblem(null);
    client
      .call('senders.confirmAddress', { address, code })
      .then(onVerified)
      .catch((err: unknown) => (errorField(err) === 'code' ? setCodeError(errorText(err)) : setProblem(errorText(err))))
      .finally(() => working(false));
  };
  const id = `code-${address}`;
  return (
    <Box component="form" onSubmit={submit} noValidate aria-label={`Verify ${address}`}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start' }}>
        <TextField
          id={id}
          label="Code from the mail"
          placeholder="123456"
          value={code}
          onChange={(e) => {
            setCode(e.target.value);
            setCodeError(null);
          }}
          error={Boolean(codeError)}
          helperText={codeError ?? 'The 6 digits in the mail "Your Relay Desk verification code".'}
          size="small"
          sx={{ width: 460, maxWidth: '100%' }}
          slotProps={{ htmlInput: { inputMode: 'numeric', autoComplete: 'one-time-code', maxLength: 20 } }}
        />
        <Button type="submit" variant="contained" loading={busy} loadingPosition="start" sx={{ height: 40 }}>
          Verify
        </Button>
      </Stack>
      {problem && (
        <Alert severity="error" sx={{ mt: 1 }}>
          {problem}
        </Alert>
      )}
    </Box>
  );
}
