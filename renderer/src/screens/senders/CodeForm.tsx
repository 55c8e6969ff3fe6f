import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import { useState, type SyntheticEvent } from 'react';
import type { ApiClient } from '#api/client.js';
import type { AddressView } from '#api/schemas/senders.js';
import { ActionField } from '../../components/ActionField.js';
import { useAction } from '../../components/useAction.js';
import { ActionProblem } from '../../components/ActionProblem.js';

export interface CodeFormProps {
  client: ApiClient;
  address: string;
  onVerified: (address: AddressView) => void;
  onBusy: (busy: boolean) => void;
}

const FIELDS = ['code'] as const;

/** The code from the mail, typed back; a wrong one says what is wrong and how many tries are left. */
export function CodeForm({ client, address, onVerified, onBusy }: CodeFormProps) {
  const [code, setCode] = useState('');
  const action = useAction(FIELDS);
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    if (code.trim() === '') return action.refuse({ code: 'Enter the 6-digit code from the mail sent to this address.' });
    onBusy(true);
    void action.run(async () => onVerified(await client.call('senders.confirmAddress', { address, code }))).finally(() => onBusy(false));
  };
  const id = `code-${address}`;
  return (
    <Box component="form" onSubmit={submit} noValidate aria-label={`Verify ${address}`}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start' }}>
        <ActionField
          action={action}
          field="code"
          id={id}
          label="Code from the mail"
          placeholder="123456"
          value={code}
          onValue={setCode}
          hint='The 6 digits in the mail "Your Relay Desk verification code".'
          sx={{ width: 460, maxWidth: '100%' }}
          slotProps={{ htmlInput: { inputMode: 'numeric', autoComplete: 'one-time-code', maxLength: 20 } }}
        />
        <Button type="submit" variant="contained" loading={action.busy} loadingPosition="start" sx={{ height: 40 }}>
          Verify
        </Button>
      </Stack>
      <ActionProblem problem={action.problem} />
    </Box>
  );
}
