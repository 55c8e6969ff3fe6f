import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import { useState, type SyntheticEvent } from 'react';
import type { ApiClient } from '#api/client.js';
import type { ServerView } from '#api/schemas/server.js';
import { useAction } from '../../components/useAction.js';
import { PemField } from './PemField.js';

const FIELDS = ['cert', 'key'] as const;

/** Pasted or picked PEM certificate and key; what the host refuses shows under the field, and the text stays. */
export function ImportCertificateDialog({ client, onImported, onClose }: { client: ApiClient; onImported: (view: ServerView) => void; onClose: () => void }) {
  const [cert, setCert] = useState('');
  const [key, setKey] = useState('');
  const action = useAction(FIELDS);
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    const missing = { cert: cert.trim() ? undefined : 'Paste the certificate, or read it from its file.', key: key.trim() ? undefined : 'Paste the private key, or read it from its file.' };
    if (missing.cert || missing.key) return action.refuse(missing);
    void action.run(async () => onImported(await client.call('server.importCertificate', { cert, key })));
  };
  return (
    <Dialog open onClose={action.busy ? undefined : onClose} aria-labelledby="import-title" maxWidth="md" fullWidth>
      <form onSubmit={submit} noValidate>
        {action.busy && <LinearProgress aria-label="importing the certificate" />}
        <DialogTitle id="import-title">Import a certificate</DialogTitle>
        <DialogContent>
          <DialogContentText sx={{ mb: 2 }}>
            A certificate issued for this computer's name (by your company's or a public authority) lets mail clients connect without a
            warning. Paste both in PEM format, the server's certificate first, then any that issued it.
          </DialogContentText>
          <Stack spacing={2}>
            <PemField action={action} field="cert" id="import-cert" label="Certificate" placeholder="-----BEGIN CERTIFICATE-----" value={cert} onChange={setCert} />
            <PemField action={action} field="key" id="import-key" label="Private key" placeholder="-----BEGIN PRIVATE KEY-----" value={key} onChange={setKey} />
            {action.problem && <Alert severity="error">{action.problem}</Alert>}
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} disabled={action.busy}>
            Cancel
          </Button>
          <Button type="submit" variant="contained" disabled={action.busy}>
            {action.busy ? 'Importing…' : 'Import certificate'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
