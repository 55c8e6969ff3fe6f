import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import { useState } from 'react';
import type { ApiClient } from '#api/client.js';
import type { DomainView } from '#api/schemas/senders.js';
import { errorText } from '../../components/errors.js';
import { AuthorizedUsers } from './AuthorizedUsers.js';
import { dateTime } from './dates.js';
import { DnsRecordFields } from '../../components/DnsRecordFields.js';
import { Ed25519Switch } from './Ed25519Switch.js';
import { SenderCard } from './SenderCard.js';
import { SenderStatusChip } from './SenderStatusChip.js';

export interface DomainItemProps {
  client: ApiClient;
  domain: DomainView;
  onChecked: (domain: DomainView) => void;
  onRemove: () => void;
}

const RECORD_TITLES = { verification: 'Verification record', dkim: 'DKIM record', 'dkim-ed25519': 'DKIM record (Ed25519)' } as const;

const NOTES = {
  pending: 'publish it at your DNS provider, then press Check now.',
  verified: 'keep it published: a later check looks for it.',
  dkim: 'publish it too, so receivers can check the signature the relay puts on mail from this domain.',
  'dkim-ed25519': 'publish it too, so receivers that check Ed25519 can check that signature.',
} as const;

function datesOf(d: DomainView): string {
  const added = `Added ${dateTime(d.addedAt)}`;
  return d.verifiedAt ? `${added} · Verified ${dateTime(d.verifiedAt)} through its DNS TXT record` : added;
}

/** One sender domain: its status, the records to publish, and a DNS check on demand with what it found. */
export function DomainItem({ client, domain, onChecked, onRemove }: DomainItemProps) {
  const [checking, setChecking] = useState(false);
  // Whether this page's last check found the record; a check from before the page opened does not say.
  const [found, setFound] = useState<boolean | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const check = () => {
    setChecking(true);
    setProblem(null);
    client
      .call('senders.checkDomain', { domain: domain.domain })
      .then((result) => {
        setFound(result.verified);
        onChecked(result.domain);
      })
      .catch((err: unknown) => setProblem(errorText(err)))
      .finally(() => setChecking(false));
  };
  const last = domain.lastCheck;
  // The Ed25519 record goes under its switch.
  const ed25519 = domain.records.find((r) => r.purpose === 'dkim-ed25519');
  const rest = domain.records.filter((r) => r !== ed25519);
  const severity = domain.status === 'pending' || found === false ? 'warning' : found ? 'success' : 'info';
  return (
    <SenderCard
      name={domain.domain}
      chip={<SenderStatusChip kind="domain" status={domain.status} />}
      dates={datesOf(domain)}
      busy={checking}
      onRemove={onRemove}
      actions={
        <Button variant={domain.status === 'pending' ? 'contained' : 'outlined'} onClick={check} loading={checking} loadingPosition="start">
          {checking ? 'Checking DNS…' : 'Check now'}
        </Button>
      }
    >
      {rest.map((record) => (
        <DnsRecordFields key={record.purpose} record={record} title={RECORD_TITLES[record.purpose]} note={NOTES[record.purpose === 'verification' ? domain.status : record.purpose]} />
      ))}
      {domain.status === 'verified' && <Ed25519Switch client={client} domain={domain} onChanged={onChecked} />}
      {ed25519 && <DnsRecordFields record={ed25519} title={RECORD_TITLES['dkim-ed25519']} note={NOTES['dkim-ed25519']} />}
      {last && (
        <Alert severity={severity} role="status" aria-label="last check">
          Checked {dateTime(last.at)}: {last.result}
        </Alert>
      )}
      {problem && <Alert severity="error">{problem}</Alert>}
      <AuthorizedUsers users={domain.authorizedUsers} pending={domain.status === 'pending'} />
    </SenderCard>
  );
}
