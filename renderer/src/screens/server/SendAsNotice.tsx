import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Typography from '@mui/material/Typography';
import { useCallback } from 'react';
import type { ApiClient } from '#api/client.js';
import type { OAuthStatus } from '#api/schemas/oauth.js';
import { useApiData } from '../../components/useApiData.js';

const PROVIDER_RULES: Record<NonNullable<OAuthStatus['preset']>, string> = {
  microsoft365:
    'Microsoft 365 sends mail from another address only when the signed-in mailbox has the "Send As" permission on it (Exchange admin center: Recipients, the mailbox or group of that address, Delegation, Send As).',
  google:
    'Google sends mail from another address only when it is added to the signed-in mailbox as a "Send mail as" alias (Gmail settings: Accounts, Send mail as).',
  custom:
    'Most providers send mail from another address only when the signed-in mailbox may send as it: Microsoft 365 needs the "Send As" permission (Exchange admin center), Google a "Send mail as" alias.',
};

/** The verified senders that are not the mailbox the relay signs in as: domains (every address at one) and single addresses. */
function othersThan(mailbox: string, senders: { domains: { domain: string; status: string }[]; addresses: { address: string; status: string }[] }): string[] {
  const own = mailbox.toLowerCase();
  return [
    ...senders.domains.filter((d) => d.status === 'verified').map((d) => `addresses at ${d.domain}`),
    ...senders.addresses.filter((a) => a.status !== 'pending' && a.address.toLowerCase() !== own).map((a) => a.address),
  ];
}

/**
 * With an OAuth sign-in the provider checks the From against the signed-in
 * mailbox: verified senders other than it need the provider's own permission,
 * or the provider rewrites the From or refuses the message.
 */
export function SendAsNotice({ client, status }: { client: ApiClient; status: OAuthStatus }) {
  const senders = useApiData(useCallback(() => client.call('senders.list', {}), [client]));
  const mailbox = status.account ?? status.user;
  if (!senders.value || !mailbox || !status.preset) return null;
  const others = othersThan(mailbox, senders.value);
  if (others.length === 0) return null;
  return (
    <Alert severity="info" role="note" aria-label="sending as other addresses">
      <AlertTitle>{`Sending as addresses other than ${mailbox}`}</AlertTitle>
      <Typography variant="body2" sx={{ mb: 1 }}>
        {`Your verified senders include ${others.join(', ')}. ${PROVIDER_RULES[status.preset]}`}
      </Typography>
      <Typography variant="body2">Without it the provider rewrites the From to {mailbox} or refuses the message.</Typography>
    </Alert>
  );
}
