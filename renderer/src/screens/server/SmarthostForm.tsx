import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import LinearProgress from '@mui/material/LinearProgress';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import { useState, type SyntheticEvent } from 'react';
import type { ApiClient } from '#api/client.js';
import type { UpstreamView } from '#api/schemas/server.js';
import { ActionField } from '../../components/ActionField.js';
import { useAction } from '../../components/useAction.js';
import { errorField, errorText } from '../../components/errors.js';
import { PasswordField } from './PasswordField.js';
import { SMARTHOST_FIELDS, smarthostFormFor, smarthostInput, type Security, type SmarthostForm as Form } from './smarthostForm.js';
import { TestResult } from './TestResult.js';

export const SECURITY: { value: Security; label: string }[] = [
  { value: 'starttls', label: 'STARTTLS (usually port 587)' },
  { value: 'tls', label: 'TLS from the start (usually port 465)' },
  { value: 'none', label: 'None (only inside a trusted network)' },
];

export interface SmarthostFormProps {
  client: ApiClient;
  upstream: UpstreamView;
  onSaved: (view: UpstreamView) => void;
}

/** The provider's SMTP server the relay hands all mail to, with a test that shows what the server answered. */
export function SmarthostForm({ client, upstream, onSaved }: SmarthostFormProps) {
  const [form, setForm] = useState<Form>(() => smarthostFormFor(upstream));
  const [dirty, setDirty] = useState(upstream.mode !== 'smarthost');
  const [result, setResult] = useState<{ ok: boolean; response: string } | null>(null);
  const [testing, setTesting] = useState(false);
  const action = useAction(SMARTHOST_FIELDS);
  const stored = upstream.mode === 'smarthost' && upstream.hasPassword;
  const busy = action.busy || testing;

  const change = (patch: Partial<Form>, field: string) => {
    setForm((f) => ({ ...f, ...patch }));
    setDirty(true);
    action.clear(field);
  };

  /** Saves what was typed; on a refusal the form keeps it all. */
  const save = async (): Promise<boolean> => {
    const checked = smarthostInput(form, stored);
    if ('errors' in checked) {
      action.refuse(checked.errors);
      return false;
    }
    return action.run(async () => {
      const view = await client.call('upstream.setSmarthost', checked.input);
      onSaved(view);
      setForm(smarthostFormFor(view));
      setDirty(false);
    });
  };

  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    setResult(null);
    void save();
  };

  // Tests the settings as typed; only "Save smarthost" stores them.
  const test = async () => {
    setResult(null);
    const checked = smarthostInput(form, stored);
    if ('errors' in checked) return action.refuse(checked.errors);
    setTesting(true);
    try {
      setResult(await client.call('upstream.test', { smarthost: checked.input }));
    } catch (err) {
      // A refusal about one field (e.g. the password needed for another host) is shown beside it, like a failed save.
      const field = errorField(err)?.replace(/^smarthost\./, '');
      if (field && (SMARTHOST_FIELDS as readonly string[]).includes(field)) action.refuse({ [field]: errorText(err) });
      else setResult({ ok: false, response: errorText(err) });
    } finally {
      setTesting(false);
    }
  };

  return (
    <Stack component="form" onSubmit={submit} noValidate spacing={2} aria-label="Smarthost settings">
      {busy && <LinearProgress aria-label={testing ? 'testing the connection' : 'saving the smarthost'} />}
      <Stack direction="row" spacing={2} useFlexGap sx={{ alignItems: 'flex-start', flexWrap: 'wrap' }}>
        <ActionField
          action={action}
          field="host"
          id="smarthost-host"
          label="Smarthost"
          placeholder="smtp.example.com"
          value={form.host}
          onValue={(host) => change({ host }, 'host')}
          hint="Your provider's SMTP server name"
          disabled={busy}
          sx={{ flex: '1 1 260px' }}
        />
        <ActionField
          action={action}
          field="port"
          id="smarthost-port"
          label="Port"
          value={form.port}
          onValue={(port) => change({ port }, 'port')}
          hint=" "
          disabled={busy}
          sx={{ width: 120 }}
          slotProps={{ htmlInput: { inputMode: 'numeric' } }}
        />
        <ActionField
          action={action}
          field="security"
          select
          id="smarthost-security"
          label="Security"
          value={form.security}
          onValue={(value) => change({ security: value as Security }, 'security')}
          hint=" "
          disabled={busy}
          // Wide enough for the longest choice, which is the one that says when None is safe.
          sx={{ width: 370 }}
        >
          {SECURITY.map((s) => (
            <MenuItem key={s.value} value={s.value}>
              {s.label}
            </MenuItem>
          ))}
        </ActionField>
      </Stack>
      <ActionField
        action={action}
        field="user"
        id="smarthost-user"
        label="User name"
        autoComplete="off"
        value={form.user}
        onValue={(user) => change({ user }, 'user')}
        hint="Empty: the server is used without logging in."
        disabled={busy}
        sx={{ width: 300 }}
      />
      <PasswordField stored={stored} value={form.password} error={action.errors.password} disabled={busy} onChange={(password) => change({ password }, 'password')} />
      {/* Without TLS the server shows no certificate; the stored choice is kept for when TLS is chosen again. */}
      {form.security !== 'none' && (
        <div>
          <FormControlLabel
            control={<Checkbox id="smarthost-verify" checked={form.rejectUnauthorized} onChange={(e) => change({ rejectUnauthorized: e.target.checked }, 'rejectUnauthorized')} disabled={busy} />}
            label="Check the server's certificate"
          />
          <FormHelperText sx={{ mt: 0 }} error={Boolean(action.errors.rejectUnauthorized)}>
            {action.errors.rejectUnauthorized ?? 'Turn off only for a server inside your network with a self-signed certificate.'}
          </FormHelperText>
        </div>
      )}
      {action.problem && <Alert severity="error">{action.problem}</Alert>}
      <Stack direction="row" spacing={2}>
        <Button type="submit" variant="contained" disabled={busy}>
          {action.busy ? 'Saving…' : 'Save smarthost'}
        </Button>
        <Button variant="outlined" onClick={() => void test()} disabled={busy}>
          {testing ? 'Testing…' : 'Test connection'}
        </Button>
      </Stack>
      {result && <TestResult result={result} />}
      {result && dirty && <FormHelperText>These settings were tested as typed and are not saved yet: press Save smarthost to use them.</FormHelperText>}
    </Stack>
  );
}
