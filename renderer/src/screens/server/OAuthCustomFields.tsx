import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { ActionField } from '../../components/ActionField.js';
import type { Action } from '../../components/useAction.js';
import type { OAuthForm } from './oauthForm.js';
import type { Security } from './smarthostForm.js';
import { SECURITY } from './SmarthostForm.js';

export interface OAuthCustomFieldsProps {
  action: Action;
  form: OAuthForm;
  change: (patch: Partial<OAuthForm>, field: string) => void;
}

/** Another provider's SMTP server, OAuth endpoints and scope, which the presets fill in for Microsoft 365 and Google. */
export function OAuthCustomFields({ action, form, change }: OAuthCustomFieldsProps) {
  const disabled = action.busy;
  const groupError = (name: 'smtp' | 'endpoints') =>
    action.errors[name] && (
      <FormHelperText error sx={{ mt: 0 }}>
        {action.errors[name]}
      </FormHelperText>
    );
  return (
    <Stack spacing={2} component="fieldset" sx={{ border: 0, p: 0, m: 0 }}>
      <Typography component="legend" variant="subtitle2" sx={{ mb: 1 }}>
        The provider&apos;s SMTP server and OAuth endpoints
      </Typography>
      <Stack direction="row" spacing={2} useFlexGap sx={{ alignItems: 'flex-start', flexWrap: 'wrap' }}>
        <ActionField action={action} field="smtp.host" id="oauth-smtp-host" label="SMTP server" placeholder="smtp.example.com" value={form.host}
          onValue={(host) => change({ host }, 'smtp.host')} hint="The provider's SMTP server name" disabled={disabled} sx={{ flex: '1 1 260px' }} />
        <ActionField action={action} field="smtp.port" id="oauth-smtp-port" label="Port" value={form.port} onValue={(port) => change({ port }, 'smtp.port')}
          hint=" " disabled={disabled} sx={{ width: 120 }} slotProps={{ htmlInput: { inputMode: 'numeric' } }} />
        <ActionField action={action} field="smtp.security" select id="oauth-smtp-security" label="Security" value={form.security}
          onValue={(value) => change({ security: value as Security }, 'smtp.security')} hint=" " disabled={disabled} sx={{ width: 370 }}>
          {SECURITY.map((s) => (
            <MenuItem key={s.value} value={s.value}>
              {s.label}
            </MenuItem>
          ))}
        </ActionField>
      </Stack>
      {groupError('smtp')}
      {form.security !== 'none' && (
        <FormControlLabel
          control={<Checkbox id="oauth-verify" checked={form.rejectUnauthorized} onChange={(e) => change({ rejectUnauthorized: e.target.checked }, 'rejectUnauthorized')} disabled={disabled} />}
          label="Check the SMTP server's certificate (turn off only for a server inside your network with a self-signed certificate)"
        />
      )}
      <ActionField action={action} field="endpoints.authorization" id="oauth-authorization" label="Authorization endpoint" value={form.authorization}
        onValue={(authorization) => change({ authorization }, 'endpoints.authorization')} placeholder="https://login.example.com/oauth2/authorize"
        hint="Needed for the sign-in in the browser." disabled={disabled} fullWidth />
      <ActionField action={action} field="endpoints.token" id="oauth-token" label="Token endpoint" value={form.token}
        onValue={(token) => change({ token }, 'endpoints.token')} placeholder="https://login.example.com/oauth2/token"
        hint="Always needed: the relay renews its token here." disabled={disabled} fullWidth />
      <ActionField action={action} field="endpoints.device" id="oauth-device" label="Device authorization endpoint" value={form.device}
        onValue={(device) => change({ device }, 'endpoints.device')} placeholder="https://login.example.com/oauth2/device"
        hint="Needed for the sign-in with a code on another device; leave empty if the provider has none." disabled={disabled} fullWidth />
      {groupError('endpoints')}
      <ActionField action={action} field="scope" id="oauth-scope" label="Scope" value={form.scope} onValue={(scope) => change({ scope }, 'scope')}
        hint="The permissions the token asks for, separated by spaces; include the one that allows sending mail over SMTP (and offline_access for renewals)."
        disabled={disabled} fullWidth />
    </Stack>
  );
}
