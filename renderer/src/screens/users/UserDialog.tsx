import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Divider from '@mui/material/Divider';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '#api/client.js';
import type { MethodOutput } from '#api/contract.js';
import type { ServerView } from '#api/schemas/server.js';
import type { UserView } from '#api/schemas/users.js';
import { BusyBar } from '../../components/BusyBar.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { useApiData } from '../../components/useApiData.js';
import { errorField, errorText } from '../../components/errors.js';
import { CreatedSummary } from './CreatedSummary.js';
import { CredentialsSection } from './CredentialsSection.js';
import { SendersSection } from './SendersSection.js';
import { SettingsSection } from './SettingsSection.js';
import { useVerifiedDomains } from './useVerifiedDomains.js';
import { formFor, toInput, type FieldErrors, type UserForm } from './userForm.js';

export interface UserDialogProps {
  client: ApiClient;
  /** null: a new user. */
  user: UserView | null;
  list: string;
  lists: string[];
  server: ServerView | null;
  onSaved: (user: UserView) => void;
  onClose: () => void;
}

type Created = MethodOutput<'users.create'>;

/**
 * Add or edit one SMTP user, laid out like MailUp's window: credentials
 * first, then settings and senders. Once a new user is created the dialog
 * shows its credentials and what was done, with one button to close it:
 * there is nothing left unsaved.
 */
export function UserDialog(props: UserDialogProps) {
  const [created, setCreated] = useState<Created | null>(null);
  if (created) return <CreatedDialog created={created} server={props.server} onClose={props.onClose} />;
  return (
    <UserFormDialog
      {...props}
      onCreated={(result) => {
        setCreated(result);
        props.onSaved(result.user);
      }}
    />
  );
}

function CreatedDialog({ created, server, onClose }: { created: Created; server: ServerView | null; onClose: () => void }) {
  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth aria-labelledby="user-dialog-title">
      <DialogTitle id="user-dialog-title">User {created.user.name} created</DialogTitle>
      <DialogContent dividers>
        <Stack spacing={2.5}>
          <CredentialsSection user={created.user} server={server} password={created.password} />
          <CreatedSummary user={created.user} verification={created.verification} />
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button variant="contained" onClick={onClose}>
          Done
        </Button>
      </DialogActions>
    </Dialog>
  );
}

function UserFormDialog({ client, user, list, lists, server, onSaved, onCreated, onClose }: UserDialogProps & { onCreated: (created: Created) => void }) {
  const verifiedDomains = useVerifiedDomains(client);
  const nextName = useNextName(client, user === null);
  const [form, setForm] = useState<UserForm>(() => formFor(user, list));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [password, setPassword] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmReset, setConfirmReset] = useState(false);

  // Bring the first field the host refused into view, so its message is seen.
  useEffect(() => {
    const field = Object.keys(errors).find((f) => errors[f]);
    const element = field ? document.getElementById(formFields[field as keyof typeof formFields]) : null;
    element?.focus();
    element?.scrollIntoView({ block: 'center' });
  }, [errors]);

  const change = (patch: Partial<UserForm>, field?: string) => {
    setForm((f) => ({ ...f, ...patch }));
    if (field) setErrors((e) => ({ ...e, [field]: undefined }));
  };

  const save = async () => {
    const checked = toInput(form);
    if ('errors' in checked) return setErrors(checked.errors);
    setBusy(true);
    setErrors({});
    setProblem(null);
    try {
      if (user) {
        onSaved(await client.call('users.update', { name: user.name, ...checked.input }));
        onClose();
      } else {
        onCreated(await client.call('users.create', checked.input));
      }
    } catch (err) {
      const field = errorField(err);
      if (field && field in formFields) setErrors({ [field]: errorText(err) });
      else setProblem(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const reset = async () => {
    if (!user) return;
    const result = await client.call('users.resetPassword', { name: user.name });
    setPassword(result.password);
    onSaved(result.user);
    setConfirmReset(false);
  };

  const title = user ? `Edit SMTP user ${user.name}` : 'Add new SMTP user';
  return (
    <Dialog open onClose={busy ? undefined : onClose} maxWidth="md" fullWidth aria-labelledby="user-dialog-title">
      <BusyBar busy={busy} label="saving" />
      <DialogTitle id="user-dialog-title">{title}</DialogTitle>
      <DialogContent dividers>
        <Stack spacing={2.5}>
          <CredentialsSection user={user} nextName={nextName} server={server} password={password} onReset={() => setConfirmReset(true)} />
          <Divider />
          <SettingsSection form={form} errors={errors} lists={lists} onChange={change} />
          <Divider />
          <SendersSection form={form} errors={errors} user={user} verifiedDomains={verifiedDomains} onChange={change} />
          {problem && <Alert severity="error">{problem}</Alert>}
          {Object.values(errors).some(Boolean) && (
            <Typography color="error" variant="body2" role="status">
              Nothing was saved: correct the field marked in red and save again.
            </Typography>
          )}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          {password ? 'Close' : 'Cancel'}
        </Button>
        <Button variant="contained" onClick={() => void save()} disabled={busy}>
          {user ? 'Save' : 'Create user'}
        </Button>
      </DialogActions>
      {confirmReset && user && (
        <ConfirmDialog title="Reset password?" confirmLabel="Reset password" onConfirm={reset} onClose={() => setConfirmReset(false)}>
          A new password is made for <strong>{user.name}</strong>. The old one stops working at once: every mail client using it must be
          given the new one.
        </ConfirmDialog>
      )}
    </Dialog>
  );
}

/** The fields the API may name in an error, each shown under its input. */
const formFields = {
  list: 'user-list',
  active: 'user-active',
  priority: 'user-priority',
  note: 'user-note',
  domains: 'user-domains',
  addresses: 'user-addresses',
  trustedClients: 'user-trusted-clients',
  rateLimitPerHour: 'user-rate-limit',
};

/** The name the new user will get, shown before it is made; null while it is asked for, or for an existing user. */
function useNextName(client: ApiClient, isNew: boolean): string | null {
  const { value } = useApiData(useCallback(async () => (isNew ? (await client.call('users.nextName', {})).name : null), [client, isNew]));
  return value;
}
