import Alert from '@mui/material/Alert';
import FormControlLabel from '@mui/material/FormControlLabel';
import Switch from '@mui/material/Switch';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { ApiClient } from '#api/client.js';
import type { DomainView } from '#api/schemas/senders.js';
import { errorText } from '../../components/errors.js';

/**
 * A verified domain's second signature: Ed25519 (RFC 8463) beside the RSA
 * one, with what it means for receivers, since most still check only RSA.
 */
export function Ed25519Switch({ client, domain, onChanged }: { client: ApiClient; domain: DomainView; onChanged: (domain: DomainView) => void }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const change = (on: boolean) => {
    setBusy(true);
    setProblem(null);
    client
      .call('senders.setEd25519', { domain: domain.domain, on })
      .then(onChanged)
      .catch((err: unknown) => setProblem(errorText(err)))
      .finally(() => setBusy(false));
  };
  return (
    <div>
      <FormControlLabel
        control={<Switch checked={domain.ed25519} disabled={busy} onChange={(event) => change(event.target.checked)} />}
        label="Also sign with Ed25519"
      />
      <Typography variant="body2" color="text.secondary">
        Mail from {domain.domain} always carries an RSA signature, which every receiver checks. An Ed25519 signature (RFC 8463) is shorter and
        faster to check; receivers that know it check both, the others ignore it, so turning it on never makes mail fail. Publish its record
        below: until it is found, receivers that check Ed25519 see that signature broken and go by the RSA one.
      </Typography>
      {problem && <Alert severity="error">{problem}</Alert>}
    </div>
  );
}
