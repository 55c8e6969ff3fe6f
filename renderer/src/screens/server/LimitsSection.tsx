import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState, type SyntheticEvent } from 'react';
import type { ApiClient } from '../../../../electron/api/client.js';
import type { ServerView } from '../../../../electron/api/schemas/server.js';
import { limitsFormFor, limitsInput, type LimitsForm } from './limitsForm.js';
import { useAction } from './useAction.js';

const FIELDS = ['maxMessageBytes', 'maxRecipients', 'maxConnections'] as const;

const INPUTS: { field: (typeof FIELDS)[number]; key: keyof LimitsForm; id: string; label: string; hint: string }[] = [
  { field: 'maxMessageBytes', key: 'maxMessageMb', id: 'limit-size', label: 'Largest message (MB)', hint: 'Attachments included; larger messages are refused.' },
  { field: 'maxRecipients', key: 'maxRecipients', id: 'limit-recipients', label: 'Recipients per message', hint: 'More recipients are refused.' },
  { field: 'maxConnections', key: 'maxConnections', id: 'limit-connections', label: 'Connections at once', hint: 'From all mail clients together.' },
];

/** What the relay accepts: message size, recipients per message, simultaneous connections. */
export function LimitsSection({ client, server, onSaved }: { client: ApiClient; server: ServerView; onSaved: (view: ServerView) => void }) {
  const [form, setForm] = useState(() => limitsFormFor(server.limits));
  const [saved, setSaved] = useState(false);
  const action = useAction(FIELDS);
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    setSaved(false);
    const checked = limitsInput(form);
    if ('errors' in checked) return action.refuse(checked.errors);
    void action
      .run(async () => {
        const view = await client.call('server.setLimits', checked.input);
        onSaved(view);
        setForm(limitsFormFor(view.limits));
      })
      .then(setSaved);
  };
  return (
    <Card variant="outlined" component="section" aria-labelledby="limits-title">
      {action.busy && <LinearProgress aria-label="saving the limits" />}
      <CardContent>
        <Typography variant="h6" component="h2" id="limits-title" sx={{ mb: 2 }}>
          Limits
        </Typography>
        <Stack component="form" onSubmit={submit} noValidate spacing={2} aria-label="Limits">
          <Stack direction="row" spacing={2} useFlexGap sx={{ alignItems: 'flex-start', flexWrap: 'wrap' }}>
            {INPUTS.map((i) => (
              <TextField
                key={i.id}
                id={i.id}
                label={i.label}
                value={form[i.key]}
                onChange={(e) => {
                  setForm((f) => ({ ...f, [i.key]: e.target.value }));
                  setSaved(false);
                  action.clear(i.field);
                }}
                error={Boolean(action.errors[i.field])}
                helperText={action.errors[i.field] ?? i.hint}
                disabled={action.busy}
                size="small"
                sx={{ width: 250 }}
                slotProps={{ htmlInput: { inputMode: 'decimal' } }}
              />
            ))}
          </Stack>
          {action.problem && <Alert severity="error">{action.problem}</Alert>}
          <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
            <Button type="submit" variant="contained" disabled={action.busy}>
              {action.busy ? 'Saving…' : 'Save limits'}
            </Button>
            {saved && (
              <Typography role="status" color="success.main">
                Saved: the relay applies them to new connections.
              </Typography>
            )}
          </Stack>
        </Stack>
      </CardContent>
    </Card>
  );
}
