import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import FormLabel from '@mui/material/FormLabel';
import LinearProgress from '@mui/material/LinearProgress';
import MenuItem from '@mui/material/MenuItem';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Stack from '@mui/material/Stack';
import { useState, type SyntheticEvent } from 'react';
import type { ApiClient } from '#api/client.js';
import type { OAuthStatus } from '#api/schemas/oauth.js';
import type { UpstreamView } from '#api/schemas/server.js';
import { ActionField } from '../../components/ActionField.js';
import { useAction } from '../../components/useAction.js';
import { OAuthAppCredential } from './OAuthAppCredential.js';
import { OAuthCustomFields } from './OAuthCustomFields.js';
import { FLOW_LABELS, FLOWS_OF, OAUTH_FIELDS, oauthFormFor, oauthInput, PRESETS, type Flow, type OAuthForm as Form, type Preset } from './oauthForm.js';

export interface OAuthFormProps {
  client: ApiClient;
  upstream: UpstreamView;
  onSaved: (view: UpstreamView) => void;
  onStatus: (status: OAuthStatus) => void;
}

/** Why a provider offers fewer ways to sign in, said where the missing ones would be. */
const FLOW_NOTES: Partial<Record<Preset, string>> = {
  google:
    "Google offers only the sign-in in the browser for SMTP: its sign-in with a code on another device does not allow the Gmail scope (https://mail.google.com/), and Gmail has no app-only sign-in outside a Workspace service account.",
  custom: 'Each way needs its endpoint below: the browser the authorization endpoint, the code the device authorization endpoint, app-only only the token endpoint.',
};

/** The smarthost's OAuth 2.0 login: the provider, how to sign in, and the mailbox the relay sends as. */
export function OAuthForm({ client, upstream, onSaved, onStatus }: OAuthFormProps) {
  const [form, setForm] = useState<Form>(() => oauthFormFor(upstream));
  const action = useAction(OAUTH_FIELDS);
  const stored = upstream.mode === 'smarthost' && (upstream.oauth?.hasClientCredential ?? false);
  const disabled = action.busy;

  const change = (patch: Partial<Form>, field: string) => {
    setForm((f) => {
      const next = { ...f, ...patch };
      // A provider that does not offer the chosen way falls back to the browser, which every provider offers.
      return FLOWS_OF[next.preset].includes(next.flow) ? next : { ...next, flow: 'browser' };
    });
    action.clear(field);
  };

  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    const checked = oauthInput(form, stored);
    if ('errors' in checked) return action.refuse(checked.errors);
    void action.run(async () => {
      const status = await client.call('upstream.setOAuth', checked.input);
      onStatus(status);
      onSaved(await client.call('upstream.get', {}));
      // A secret or key typed in is gone from the page once the host keeps it.
      setForm((f) => ({ ...f, clientSecret: '', certificate: '', privateKey: '' }));
    });
  };

  return (
    <Stack component="form" onSubmit={submit} noValidate spacing={2} aria-label="OAuth settings">
      {disabled && <LinearProgress aria-label="saving the OAuth settings" />}
      <ActionField action={action} field="preset" select id="oauth-preset" label="Provider" value={form.preset}
        onValue={(value) => change({ preset: value as Preset }, 'preset')} hint=" " disabled={disabled} sx={{ width: 320 }}>
        {PRESETS.map((p) => (
          <MenuItem key={p.value} value={p.value}>
            {p.label}
          </MenuItem>
        ))}
      </ActionField>
      <FormControl error={Boolean(action.errors.flow)}>
        <FormLabel id="oauth-flow-label">How the relay&apos;s mailbox signs in</FormLabel>
        <RadioGroup aria-labelledby="oauth-flow-label" value={form.flow} onChange={(e) => change({ flow: e.target.value as Flow }, 'flow')}>
          {FLOWS_OF[form.preset].map((flow) => (
            <FormControlLabel key={flow} value={flow} control={<Radio />} label={FLOW_LABELS[flow]} disabled={disabled} />
          ))}
        </RadioGroup>
        <FormHelperText>{action.errors.flow ?? FLOW_NOTES[form.preset] ?? ' '}</FormHelperText>
      </FormControl>
      {form.preset === 'microsoft365' && (
        <ActionField action={action} field="tenant" id="oauth-tenant" label="Tenant" value={form.tenant} onValue={(tenant) => change({ tenant }, 'tenant')}
          hint='Your tenant id or domain (such as contoso.onmicrosoft.com), or "common" for any organization.' disabled={disabled} sx={{ width: 420 }} />
      )}
      <ActionField action={action} field="clientId" id="oauth-client-id" label="Client id" value={form.clientId} onValue={(clientId) => change({ clientId }, 'clientId')}
        hint="The application (client) id of the app registered with the provider." autoComplete="off" disabled={disabled} sx={{ width: 420 }} />
      {form.flow === 'app' && <OAuthAppCredential action={action} form={form} stored={stored} change={change} />}
      <ActionField action={action} field="user" id="oauth-user" label="Mailbox the relay sends as" placeholder="relay@example.com" value={form.user}
        onValue={(user) => change({ user }, 'user')} autoComplete="off" disabled={disabled} sx={{ width: 420 }}
        hint={form.flow === 'app' ? 'The mailbox the app is allowed to send as.' : 'Sign in as this mailbox.'} />
      {form.preset === 'custom' && <OAuthCustomFields action={action} form={form} change={change} />}
      {action.problem && <Alert severity="error">{action.problem}</Alert>}
      <div>
        <Button type="submit" variant="contained" disabled={disabled}>
          {disabled ? 'Saving…' : 'Save OAuth settings'}
        </Button>
      </div>
    </Stack>
  );
}
