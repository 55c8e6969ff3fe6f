import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import { useState } from 'react';
import type { ApiClient } from '#api/client.js';
import type { ServerView } from '#api/schemas/server.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { Section } from '../../components/Section.js';
import { CertificateDetails } from './CertificateDetails.js';
import { ImportCertificateDialog } from './ImportCertificateDialog.js';

type Dialog = 'regenerate' | 'import' | null;

/** The certificate the relay shows mail clients for STARTTLS and TLS: see it, make a new one, or bring your own. */
export function CertificateSection({ client, server, onSaved }: { client: ApiClient; server: ServerView; onSaved: (view: ServerView) => void }) {
  const [dialog, setDialog] = useState<Dialog>(null);
  const [done, setDone] = useState<string | null>(null);
  const changed = (view: ServerView, what: string) => {
    onSaved(view);
    setDone(what);
    setDialog(null);
  };
  const regenerate = async () => {
    changed(await client.call('server.regenerateCertificate', {}), 'A new self-signed certificate is in use. Mail clients that had accepted the old one may ask again.');
  };
  return (
    <Section
      id="certificate-title"
      title="TLS certificate"
      intro="Shown to mail clients on ports with STARTTLS or TLS. A self-signed one encrypts just as well, but clients may ask the user to trust it once; compare its fingerprint."
    >
      <Stack spacing={2}>
        {server.tls ? (
          <CertificateDetails tls={server.tls} />
        ) : (
          <Alert severity="warning">There is no certificate: ports with STARTTLS or TLS cannot open. Make a new one or import yours.</Alert>
        )}
        {done && (
          <Alert severity="success" role="status" onClose={() => setDone(null)}>
            {done}
          </Alert>
        )}
        <Stack direction="row" spacing={2}>
          <Button variant="outlined" onClick={() => setDialog('regenerate')}>
            Make a new self-signed certificate
          </Button>
          <Button variant="outlined" onClick={() => setDialog('import')}>
            Import a certificate…
          </Button>
        </Stack>
      </Stack>
      {dialog === 'regenerate' && (
        <ConfirmDialog title="Replace the certificate?" confirmLabel="Make a new certificate" onConfirm={regenerate} onClose={() => setDialog(null)}>
          The relay switches to a new self-signed certificate at once
          {server.tls?.source === 'imported' ? ', and the imported one is discarded' : ''}. Mail clients that had accepted the current
          one see a new fingerprint and may ask to trust it again.
        </ConfirmDialog>
      )}
      {dialog === 'import' && (
        <ImportCertificateDialog
          client={client}
          onImported={(view) => changed(view, `Certificate imported, for ${view.tls?.names.join(', ') || 'no names'}. The relay uses it from now on.`)}
          onClose={() => setDialog(null)}
        />
      )}
    </Section>
  );
}
