import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { ApiClient } from '#api/client.js';
import type { AddressView } from '#api/schemas/senders.js';
import { errorText } from '../../components/errors.js';
import { AuthorizedUsers } from './AuthorizedUsers.js';
import { CodeForm } from './CodeForm.js';
import { dateTime } from './dates.js';
import { SenderCard } from './SenderCard.js';
import { SenderStatusChip } from './SenderStatusChip.js';

export interface AddressItemProps {
  client: ApiClient;
  address: AddressView;
  onChanged: (address: AddressView) => void;
  onRemove: () => void;
}

function datesOf(a: AddressView): string {
  const added = `Added ${dateTime(a.addedAt)}`;
  return a.verifiedAt ? `${added} · Verified ${dateTime(a.verifiedAt)} with a mailed code` : added;
}

/** One sender address: verified, or waiting for the code mailed to it, which can be entered or sent again. */
export function AddressItem({ client, address, onChanged, onRemove }: AddressItemProps) {
  const [sending, setSending] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const pending = address.status === 'pending';
  const sendLabel = address.codeSentAt ? 'Resend code' : 'Send code';
  const resend = () => {
    setSending(true);
    setProblem(null);
    client
      .call('senders.resendCode', { address: address.address })
      .then(onChanged)
      .catch((err: unknown) => setProblem(errorText(err)))
      .finally(() => setSending(false));
  };
  return (
    <SenderCard
      name={address.address}
      chip={<SenderStatusChip kind="address" status={address.status} codeSent={address.codeSentAt !== null} />}
      dates={datesOf(address)}
      busy={sending || confirming}
      onRemove={onRemove}
      actions={
        pending && (
          <Button variant="outlined" onClick={resend} loading={sending} loadingPosition="start" disabled={confirming}>
            {sending ? 'Sending code…' : sendLabel}
          </Button>
        )
      }
    >
      {address.coveredBy && (
        <Typography variant="body2" role="status">
          Covered by the verified domain {address.coveredBy}: it needs no code, and its users may send from it. If that domain is removed,
          this address needs its own code.
        </Typography>
      )}
      {pending && (
        <Typography variant="body2" role="status">
          {address.codeSentAt
            ? `Code sent ${dateTime(address.codeSentAt)} to ${address.address}; it is valid for 24 hours.`
            : 'No code has been sent to it yet: press Send code.'}
        </Typography>
      )}
      {pending && address.codeSentAt && (
        // A new code starts a fresh form: the old code's errors no longer apply.
        <CodeForm key={address.codeSentAt} client={client} address={address.address} onVerified={onChanged} onBusy={setConfirming} />
      )}
      {problem && <Alert severity="error">{problem}</Alert>}
      <AuthorizedUsers users={address.authorizedUsers} pending={pending} />
    </SenderCard>
  );
}
