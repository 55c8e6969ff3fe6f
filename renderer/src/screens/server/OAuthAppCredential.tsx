import FormControlLabel from '@mui/material/FormControlLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { ActionField } from '../../components/ActionField.js';
import type { Action } from '../../components/useAction.js';
import type { Credential, OAuthForm } from './oauthForm.js';
import { PemField } from './PemField.js';

export interface OAuthAppCredentialProps {
  action: Action;
  form: OAuthForm;
  /** Whether the host keeps a client secret or certificate already; it is never sent back. */
  stored: boolean;
  change: (patch: Partial<OAuthForm>, field: string) => void;
}

/** What the app-only sign-in proves itself with: a client secret, or (Microsoft 365) a certificate and its private key. */
export function OAuthAppCredential({ action, form, stored, change }: OAuthAppCredentialProps) {
  const keep = stored ? ' Leave empty to keep the one stored (it is never shown).' : '';
  return (
    <Stack spacing={2}>
      {form.preset === 'microsoft365' && (
        <RadioGroup row aria-label="The app proves itself with" value={form.credential} onChange={(e) => change({ credential: e.target.value as Credential }, 'clientSecret')}>
          <FormControlLabel value="secret" control={<Radio />} label="A client secret" disabled={action.busy} />
          <FormControlLabel value="certificate" control={<Radio />} label="A certificate" disabled={action.busy} />
        </RadioGroup>
      )}
      {form.credential === 'secret' || form.preset !== 'microsoft365' ? (
        <ActionField
          action={action}
          field="clientSecret"
          id="oauth-client-secret"
          label="Client secret"
          type="password"
          autoComplete="new-password"
          value={form.clientSecret}
          onValue={(clientSecret) => change({ clientSecret }, 'clientSecret')}
          hint={`Kept in this computer's secret store, never in the settings.${keep}`}
          disabled={action.busy}
          sx={{ width: 420 }}
        />
      ) : (
        <Stack spacing={1}>
          <Typography variant="body2" color="text.secondary">
            {`The certificate uploaded to the app registration, and its private key; kept in this computer's secret store.${keep}`}
          </Typography>
          <PemField action={action} field="clientCertificate.certificate" id="oauth-certificate" label="Certificate" placeholder="-----BEGIN CERTIFICATE-----"
            value={form.certificate} onChange={(certificate) => change({ certificate }, 'clientCertificate.certificate')} />
          <PemField action={action} field="clientCertificate.privateKey" id="oauth-private-key" label="Private key" placeholder="-----BEGIN PRIVATE KEY-----"
            value={form.privateKey} onChange={(privateKey) => change({ privateKey }, 'clientCertificate.privateKey')} />
        </Stack>
      )}
    </Stack>
  );
}
