import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { ApiClient } from '#api/client.js';
import type { AddressView } from '#api/schemas/senders.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { Section } from '../../components/Section.js';
import { AddSenderForm } from './AddSenderForm.js';
import { AddressItem } from './AddressItem.js';
import { CodeFromLine } from './CodeFromLine.js';
import type { SendersData } from './useSendersData.js';

/** Sender addresses: add one (a code is mailed to it), enter the code, remove it. */
export function AddressesSection({ client, data }: { client: ApiClient; data: SendersData }) {
  const [removing, setRemoving] = useState<AddressView | null>(null);
  const add = async (address: string) => {
    try {
      data.putAddress(await client.call('senders.addAddress', { address }));
    } catch (err) {
      // When only the mail failed, the address was added (pending): show it, with its Resend button.
      data.reload();
      throw err;
    }
  };
  const remove = async (address: AddressView) => {
    await client.call('senders.removeAddress', { address: address.address });
    setRemoving(null);
    data.reload();
  };
  return (
    <Section
      id="addresses-title"
      title="Addresses"
      intro="A single address, for when its whole domain is not verified. A 6-digit code is mailed to it through the relay's upstream; whoever reads that mailbox gives you the code to enter here."
    >
      <Stack spacing={2}>
        {data.codeFrom && <CodeFromLine client={client} codeFrom={data.codeFrom} onChanged={data.putCodeFrom} />}
        <AddSenderForm
          id="sender-address"
          label="Email address"
          placeholder="info@company.com"
          hint="One address; a code is mailed to it at once, unless a verified domain covers it."
          emptyText="Enter an email address, e.g. info@company.com."
          buttonLabel="Add address"
          field="address"
          onAdd={add}
        />
        {!data.loading && data.addresses.length === 0 && (
          <Typography color="text.secondary">No addresses yet.</Typography>
        )}
        {data.addresses.map((a) => (
          <AddressItem
            key={a.address}
            client={client}
            address={a}
            onChanged={data.putAddress}
            onRemove={() => setRemoving(a)}
          />
        ))}
      </Stack>
      {removing && (
        <ConfirmDialog
          title={`Remove ${removing.address}?`}
          confirmLabel="Remove address"
          danger
          onConfirm={() => remove(removing)}
          onClose={() => setRemoving(null)}
        >
          <strong>{removing.address}</strong> is taken off every SMTP user authorized for it: they can no longer send from it. Adding
          it again needs a new code. This cannot be undone.
        </ConfirmDialog>
      )}
    </Section>
  );
}
