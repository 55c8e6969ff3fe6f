import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useState, type SyntheticEvent } from 'react';
import type { ApiClient } from '#api/client.js';
import type { CodeFromView } from '#api/schemas/senders.js';
import { ActionField } from '../../components/ActionField.js';
import { useAction } from '../../components/useAction.js';
import { ActionProblem } from '../../components/ActionProblem.js';

const FIELDS = ['address'] as const;

const SOURCES = {
  chosen: 'chosen by you',
  'smarthost-account': "the smarthost account's address",
  'machine-name': "this machine's name",
} as const;

export interface CodeFromLineProps {
  client: ApiClient;
  codeFrom: CodeFromView;
  onChanged: (codeFrom: CodeFromView) => void;
}

/** Which address the code mails come from ("Codes are mailed from X; change"), or why none can be mailed. */
export function CodeFromLine({ client, codeFrom, onChanged }: CodeFromLineProps) {
  const [editing, setEditing] = useState(false);
  // In the warning, the button takes the warning's text colour: the theme's blue on it is too faint to read (WCAG contrast).
  const change = (color: 'primary' | 'inherit') => (
    <Button size="small" color={color} onClick={() => setEditing(true)} aria-label="Change the address codes are mailed from">
      Change
    </Button>
  );
  return (
    <Box role="group" aria-label="Where codes are mailed from">
      {codeFrom.from && codeFrom.source ? (
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
          <Typography variant="body2">
            Codes are mailed from <strong>{codeFrom.from}</strong> ({SOURCES[codeFrom.source]}).
          </Typography>
          {!editing && change('primary')}
        </Stack>
      ) : (
        // Without an upstream no address helps: the words send the admin to the Server screen.
        <Alert severity="warning" action={editing || codeFrom.problem?.code === 'no_upstream' ? undefined : change('inherit')}>
          No code can be mailed. {codeFrom.problem?.message}
        </Alert>
      )}
      {codeFrom.source === 'machine-name' && (
        <Typography variant="body2" color="text.secondary">
          Receivers may junk mail from this machine&apos;s name: choose a verified address, or one at a verified domain (its mail is signed
          with DKIM).
        </Typography>
      )}
      {editing && (
        <CodeFromForm
          client={client}
          codeFrom={codeFrom}
          onDone={(view) => {
            if (view) onChanged(view);
            setEditing(false);
          }}
        />
      )}
    </Box>
  );
}

/** The address to mail codes from; the host refuses one that is not a verified sender, beside the field. */
function CodeFromForm({ client, codeFrom, onDone }: { client: ApiClient; codeFrom: CodeFromView; onDone: (view: CodeFromView | null) => void }) {
  const [address, setAddress] = useState(codeFrom.chosen ?? '');
  const action = useAction(FIELDS);
  const save = (value: string | null) =>
    void action.run(async () => {
      const view = await client.call('senders.setCodeFrom', { address: value });
      onDone(view);
    });
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    if (address.trim() === '') return action.refuse({ address: 'Enter the address codes are to be mailed from, e.g. it@company.com.' });
    save(address.trim());
  };
  return (
    <Box component="form" onSubmit={submit} noValidate sx={{ mt: 1.5 }} aria-label="Address codes are mailed from">
      <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start', flexWrap: 'wrap', rowGap: 1 }}>
        <ActionField
          action={action}
          field="address"
          id="code-from"
          label="Mail codes from"
          placeholder="it@company.com"
          value={address}
          onValue={setAddress}
          hint="A verified address, one at a verified domain, or the smarthost account's."
          sx={{ flex: '1 1 320px' }}
          disabled={action.busy}
          autoFocus
        />
        <Button type="submit" variant="contained" loading={action.busy} sx={{ height: 40 }}>
          Save
        </Button>
        {codeFrom.chosen && (
          <Button onClick={() => save(null)} disabled={action.busy} sx={{ height: 40 }}>
            Use the default
          </Button>
        )}
        <Button onClick={() => onDone(null)} disabled={action.busy} sx={{ height: 40 }}>
          Cancel
        </Button>
      </Stack>
      <ActionProblem problem={action.problem} />
    </Box>
  );
}
