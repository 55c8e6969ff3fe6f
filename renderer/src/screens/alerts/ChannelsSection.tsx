import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useState } from 'react';
import type { ApiClient } from '#api/client.js';
import type { MethodInput } from '#api/contract.js';
import type { AlertChannel, AlertHistoryEntry, AlertsView, Frequency } from '#api/schemas/alerts.js';
import { ActionProblem } from '../../components/ActionProblem.js';
import { CopyButton } from '../../components/CopyButton.js';
import { Section } from '../../components/Section.js';
import { useAction } from '../../components/useAction.js';

const FREQUENCY_LABELS: Record<Frequency, string> = { immediate: 'Each alert at once', hourly: 'Hourly digest', daily: 'Daily digest' };

function describe(c: AlertChannel): string {
  if (c.type === 'email') return `Email to ${c.to.join(', ')} from ${c.from}`;
  if (c.type === 'webhook') return `Webhook ${c.url}${c.deliveryEvents ? ', with delivery events' : ''}`;
  return 'Desktop notifications';
}

/** Asks the browser for notifications (the web admin only), when the admin turns desktop notifications on. */
async function browserPermission(): Promise<string | null> {
  if (window.relayDesk || typeof Notification === 'undefined') return null;
  const answer = await Notification.requestPermission();
  return answer === 'granted' ? null : 'This browser did not allow notifications: alerts show in the desktop app, and here once you allow them in the site settings.';
}

interface Props {
  client: ApiClient;
  view: AlertsView;
  onChanged: () => void;
}

/** The channels, each with "Send test alert", and the form that adds one (a webhook's secret shown once). */
export function ChannelsSection({ client, view, onChanged }: Props) {
  const add = useAction(['to', 'from', 'url']);
  const each = useAction([]);
  const [type, setType] = useState<AlertChannel['type']>('email');
  const [to, setTo] = useState('');
  const [from, setFrom] = useState('');
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState(false);
  const [frequency, setFrequency] = useState<Frequency>('immediate');
  const [secret, setSecret] = useState<string | null>(null);
  const [tested, setTested] = useState<Partial<Record<string, AlertHistoryEntry>>>({});
  const [notice, setNotice] = useState<string | null>(null);

  const submit = () =>
    void add.run(async () => {
      let input: MethodInput<'alerts.channel.add'>;
      if (type === 'email') input = { type, to: to.split(/[;,\s]+/).filter(Boolean), from: from || (view.fromChoices[0] ?? ''), frequency };
      else if (type === 'webhook') input = { type, url, deliveryEvents: events, frequency };
      else {
        setNotice(await browserPermission());
        input = { type, frequency };
      }
      const added = await client.call('alerts.channel.add', input);
      setSecret(added.secret);
      setTo('');
      setUrl('');
      onChanged();
    });

  return (
    <Section id="alert-channels" title="Channels" intro="Where alerts go. Email goes through this relay's own upstream, from a sender you verified; a webhook gets JSON signed with X-Relay-Desk-Signature.">
      {secret && (
        <Alert severity="warning" sx={{ mb: 2 }} action={<CopyButton text={secret} what="the signing secret" />} onClose={() => setSecret(null)}>
          The webhook's signing secret, shown this once: <code>{secret}</code>
        </Alert>
      )}
      {notice && (
        <Alert severity="info" sx={{ mb: 2 }}>
          {notice}
        </Alert>
      )}
      <ActionProblem problem={each.problem} />
      {view.channels.length === 0 ? (
        <Alert severity="info">No channel yet: alerts are only recorded in the history below.</Alert>
      ) : (
        <List aria-label="alert channels">
          {view.channels.map((c) => {
            const result = tested[c.id];
            return (
              <ListItem
                key={c.id}
                divider
                secondaryAction={
                  <Stack direction="row" spacing={1}>
                    <Button size="small" disabled={each.busy} onClick={() =>
                        void each.run(async () => {
                          const [result] = (await client.call('alerts.test', { id: c.id })).results;
                          setTested((t) => ({ ...t, [c.id]: result }));
                        })
                      }>
                      Send test alert
                    </Button>
                    <Button size="small" color="error" disabled={each.busy} onClick={() =>
                        void each.run(async () => {
                          await client.call('alerts.channel.remove', { id: c.id });
                          onChanged();
                        })
                      }>
                      Remove
                    </Button>
                  </Stack>
                }
              >
                <ListItemText
                  primary={describe(c)}
                  secondary={`${FREQUENCY_LABELS[c.frequency]}${result ? ` · test ${result.delivered ? 'sent' : 'NOT sent'}: ${result.detail}` : ''}`}
                  sx={{ pr: 28 }}
                />
              </ListItem>
            );
          })}
        </List>
      )}
      <Stack direction="row" spacing={1.5} useFlexGap sx={{ flexWrap: 'wrap', alignItems: 'flex-start', mt: 2 }} component="form" aria-label="add a channel" onSubmit={(e) => (e.preventDefault(), submit())}>
        <TextField select size="small" label="Channel" value={type} onChange={(e) => setType(e.target.value as AlertChannel['type'])} sx={{ width: 170 }}>
          <MenuItem value="email">Email</MenuItem>
          <MenuItem value="webhook">Webhook</MenuItem>
          <MenuItem value="desktop">Desktop notifications</MenuItem>
        </TextField>
        {type === 'email' && (
          <>
            <TextField size="small" label="Admin addresses" value={to} onChange={(e) => setTo(e.target.value)} error={Boolean(add.errors.to)} helperText={add.errors.to ?? 'separated by ;'} sx={{ width: 260 }} />
            <TextField
              select
              size="small"
              label="From (a verified sender)"
              value={from || (view.fromChoices[0] ?? '')}
              onChange={(e) => setFrom(e.target.value)}
              error={Boolean(add.errors.from)}
              helperText={add.errors.from ?? (view.fromChoices.length === 0 ? 'verify a sender under Senders first' : ' ')}
              sx={{ width: 260 }}
            >
              {view.fromChoices.map((a) => (
                <MenuItem key={a} value={a}>
                  {a}
                </MenuItem>
              ))}
            </TextField>
          </>
        )}
        {type === 'webhook' && (
          <>
            <TextField size="small" label="URL" value={url} onChange={(e) => setUrl(e.target.value)} error={Boolean(add.errors.url)} helperText={add.errors.url ?? 'https://, or http:// to this computer'} sx={{ width: 320 }} />
            <FormControlLabel control={<Checkbox checked={events} onChange={(e) => setEvents(e.target.checked)} />} label="Delivery events too" />
          </>
        )}
        <TextField select size="small" label="Frequency" value={frequency} onChange={(e) => setFrequency(e.target.value as Frequency)} sx={{ width: 210 }}>
          {Object.entries(FREQUENCY_LABELS).map(([value, label]) => (
            <MenuItem key={value} value={value}>
              {label}
            </MenuItem>
          ))}
        </TextField>
        <Button type="submit" variant="contained" disabled={add.busy}>
          Add channel
        </Button>
      </Stack>
      <ActionProblem problem={add.problem} />
    </Section>
  );
}
