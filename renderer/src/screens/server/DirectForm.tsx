import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useState, type SyntheticEvent } from 'react';
import type { ApiClient } from '#api/client.js';
import type { UpstreamView } from '#api/schemas/server.js';
import { ActionField } from '../../components/ActionField.js';
import { useAction } from '../../components/useAction.js';
import { portError } from './smarthostForm.js';

const FIELDS = ['port'] as const;

/** Delivery straight to each recipient domain's MX hosts, with no provider in between. */
export function DirectForm({ client, upstream, onSaved }: { client: ApiClient; upstream: UpstreamView; onSaved: (view: UpstreamView) => void }) {
  const [port, setPort] = useState(upstream.mode === 'mx' ? String(upstream.port) : '25');
  const action = useAction(FIELDS);
  const active = upstream.mode === 'mx';
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    const error = portError(port);
    if (error) return action.refuse({ port: error });
    void action.run(async () => onSaved(await client.call('upstream.setDirect', { port: Number(port.trim()) })));
  };
  return (
    <Stack component="form" onSubmit={submit} noValidate spacing={2} aria-label="Direct delivery settings">
      {action.busy && <LinearProgress aria-label="switching to direct delivery" />}
      <Typography variant="body2" color="text.secondary">
        Each message goes straight to the mail servers (MX) of its recipients' domains. Many home and office internet connections block
        outgoing port 25, and some receivers distrust mail from such connections: if mail does not arrive, use your provider's smarthost.
      </Typography>
      <ActionField
        action={action}
        field="port"
        id="direct-port"
        label="Port on the recipients' servers"
        value={port}
        onValue={setPort}
        hint="Almost always 25."
        disabled={action.busy}
        sx={{ width: 300 }}
        slotProps={{ htmlInput: { inputMode: 'numeric' } }}
      />
      {action.problem && <Alert severity="error">{action.problem}</Alert>}
      <div>
        <Button type="submit" variant="contained" disabled={action.busy}>
          {active ? 'Save' : 'Use direct delivery'}
        </Button>
      </div>
    </Stack>
  );
}
