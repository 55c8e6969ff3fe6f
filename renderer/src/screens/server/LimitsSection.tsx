import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useState, type SyntheticEvent } from 'react';
import type { ApiClient } from '#api/client.js';
import type { ServerView } from '#api/schemas/server.js';
import { ActionField } from '../../components/ActionField.js';
import { Section } from '../../components/Section.js';
import { useAction } from '../../components/useAction.js';
import { limitsFormFor, limitsInput, type LimitsForm } from './limitsForm.js';

const FIELDS = ['maxMessageBytes', 'maxRecipients', 'maxConnections', 'maxConnectionsPerClient', 'maxConnectionRatePerClient'] as const;

interface Input {
  field: (typeof FIELDS)[number];
  key: keyof LimitsForm;
  id: string;
  label: string;
  hint: string;
}

const GROUPS: { id: string; title: string; inputs: Input[] }[] = [
  {
    id: 'limits-messages',
    title: 'Messages',
    inputs: [
      { field: 'maxMessageBytes', key: 'maxMessageMb', id: 'limit-size', label: 'Largest message (MB)', hint: 'Attachments included; larger messages are refused.' },
      { field: 'maxRecipients', key: 'maxRecipients', id: 'limit-recipients', label: 'Recipients per message', hint: 'More recipients are refused.' },
    ],
  },
  {
    id: 'limits-connections',
    title: 'Connections',
    inputs: [
      { field: 'maxConnections', key: 'maxConnections', id: 'limit-connections', label: 'Connections at once', hint: 'From all mail clients together.' },
      {
        field: 'maxConnectionsPerClient',
        key: 'maxConnectionsPerClient',
        id: 'limit-connections-per-client',
        label: 'At once from one address',
        hint: 'From one computer or device; more are refused.',
      },
      {
        field: 'maxConnectionRatePerClient',
        key: 'maxConnectionRatePerClient',
        id: 'limit-connection-rate',
        label: 'Per minute from one address',
        hint: 'New connections; past this, that address is refused until it slows down.',
      },
    ],
  },
];

/** What the relay accepts: message size and recipients; connections in all and from one address. */
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
    <Section id="limits-title" title="Limits" bar={action.busy && <LinearProgress aria-label="saving the limits" />}>
      <Stack component="form" onSubmit={submit} noValidate spacing={2} aria-label="Limits" sx={{ mt: 2 }}>
        {GROUPS.map((group) => (
          <Stack key={group.id} component="fieldset" aria-labelledby={group.id} spacing={1.5} sx={{ border: 0, m: 0, p: 0 }}>
            <Typography variant="subtitle2" component="h3" id={group.id}>
              {group.title}
            </Typography>
            <Stack direction="row" spacing={2} useFlexGap sx={{ alignItems: 'flex-start', flexWrap: 'wrap' }}>
              {group.inputs.map((i) => (
                <ActionField
                  key={i.id}
                  action={action}
                  field={i.field}
                  id={i.id}
                  label={i.label}
                  value={form[i.key]}
                  onValue={(value) => {
                    setForm((f) => ({ ...f, [i.key]: value }));
                    setSaved(false);
                  }}
                  hint={i.hint}
                  disabled={action.busy}
                  sx={{ width: 250 }}
                  slotProps={{ htmlInput: { inputMode: 'decimal' } }}
                />
              ))}
            </Stack>
          </Stack>
        ))}
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
    </Section>
  );
}
