import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { ApiClient } from '#api/client.js';
import type { DomainView } from '#api/schemas/senders.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { Section } from '../../components/Section.js';
import { AddSenderForm } from './AddSenderForm.js';
import { DomainItem } from './DomainItem.js';
import type { SendersData } from './useSendersData.js';

/** Sender domains: add one, publish its TXT record, check it, remove it. */
export function DomainsSection({ client, data }: { client: ApiClient; data: SendersData }) {
  const [removing, setRemoving] = useState<DomainView | null>(null);
  const add = async (domain: string) => {
    data.putDomain(await client.call('senders.addDomain', { domain }));
  };
  const remove = async (domain: DomainView) => {
    await client.call('senders.removeDomain', { domain: domain.domain });
    setRemoving(null);
    data.reload();
  };
  return (
    <Section
      id="domains-title"
      title="Domains"
      intro="A verified domain lets its SMTP users send from every address at it. You prove the domain is yours with a DNS TXT record; once verified, the relay signs its mail with DKIM."
    >
      <Stack spacing={2}>
        <AddSenderForm
          id="sender-domain"
          label="Domain"
          placeholder="company.com"
          hint="The domain itself (company.com) or a subdomain (marketing.company.com), not www."
          emptyText="Enter a domain, e.g. company.com."
          buttonLabel="Add domain"
          field="domain"
          onAdd={add}
        />
        {!data.loading && data.domains.length === 0 && (
          <Typography color="text.secondary">No domains yet: add the domain your office sends mail from.</Typography>
        )}
        {data.domains.map((d) => (
          <DomainItem
            key={d.domain}
            client={client}
            domain={d}
            onChecked={data.putDomain}
            onRemove={() => setRemoving(d)}
          />
        ))}
      </Stack>
      {removing && (
        <ConfirmDialog
          title={`Remove ${removing.domain}?`}
          confirmLabel="Remove domain"
          danger
          onConfirm={() => remove(removing)}
          onClose={() => setRemoving(null)}
        >
          <strong>{removing.domain}</strong> is taken off every SMTP user authorized for it: they can no longer send from addresses at
          it. Its DKIM key is deleted, and adding it again needs a new TXT record. This cannot be undone.
          <CoveredAddresses addresses={data.addresses.filter((a) => a.coveredBy === removing.domain).map((a) => a.address)} />
        </ConfirmDialog>
      )}
    </Section>
  );
}

/** The addresses a domain's removal leaves needing a code of their own. */
function CoveredAddresses({ addresses }: { addresses: string[] }) {
  if (addresses.length === 0) return null;
  return (
    <Box component="span" sx={{ display: 'block', mt: 1.5 }}>
      {addresses.length === 1 ? 'The address ' : 'The addresses '}
      <strong>{addresses.join(', ')}</strong> {addresses.length === 1 ? 'needs' : 'need'} no code today because this domain covers{' '}
      {addresses.length === 1 ? 'it' : 'them'}; once the domain is removed, {addresses.length === 1 ? 'it needs' : 'each needs'} its own code
      before its users can send from it again.
    </Box>
  );
}
