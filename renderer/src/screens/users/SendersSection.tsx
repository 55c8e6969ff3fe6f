import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { UserView } from '#api/schemas/users.js';
import { DomainPicker } from './DomainPicker.js';
import { EntryListField } from './EntryListField.js';
import { NoSenderWarning } from './NoSenderWarning.js';
import { hasSender, type FieldErrors, type UserForm } from './userForm.js';
import type { VerifiedDomains } from './useVerifiedDomains.js';

export interface SendersSectionProps {
  form: UserForm;
  errors: FieldErrors;
  user: UserView | null;
  verifiedDomains: VerifiedDomains;
  onChange: (patch: Partial<UserForm>, field?: string) => void;
}

/** Whom this user may send as, and which devices may send as this user without logging in. */
export function SendersSection({ form, errors, user, verifiedDomains, onChange }: SendersSectionProps) {
  const domainStatus = (d: string) => user?.domains.find((x) => x.domain === d)?.status ?? (verifiedDomains.domains?.includes(d) ? 'verified' : undefined);
  const addressStatus = (a: string) => user?.addresses.find((x) => x.address === a);
  return (
    <Stack spacing={2} component="section" aria-label="authorized senders">
      <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600 }}>
        Authorized senders
      </Typography>
      <Typography variant="body2" color="text.secondary">
        Mail is relayed only when its envelope sender and its From header are at an authorized domain or are an authorized
        address. A sender taken from a web form is never authorized.
      </Typography>
      <DomainPicker
        verified={verifiedDomains.domains}
        chosen={form.domains}
        pick={form.domainPick}
        statusOf={domainStatus}
        error={errors.domains ?? verifiedDomains.error ?? undefined}
        onPick={(domainPick) => onChange({ domainPick }, 'domains')}
        onChange={(domains) => onChange({ domains }, 'domains')}
      />
      <EntryListField
        id="user-addresses"
        label="Specific email addresses authorized as senders"
        placeholder="info@company.com;sales@company.com"
        hint='Separate several with ";" (not ","). A new address is sent a code and can send once verified; one at a verified domain needs no code.'
        entries={form.addresses}
        statusOf={addressStatus}
        text={form.addressText}
        error={errors.addresses}
        onText={(addressText) => onChange({ addressText }, 'addresses')}
        onEntries={(addresses) => onChange({ addresses }, 'addresses')}
      />
      {!hasSender(form) && <NoSenderWarning />}
      <EntryListField
        id="user-trusted-clients"
        label="Trusted device addresses"
        placeholder="192.168.1.20;10.0.0.0/24"
        hint='Devices that cannot log in (old scanners) send as this user from these IP addresses or networks; separate with ";".'
        entries={form.trustedClients}
        text={form.clientText}
        error={errors.trustedClients}
        onText={(clientText) => onChange({ clientText }, 'trustedClients')}
        onEntries={(trustedClients) => onChange({ trustedClients }, 'trustedClients')}
      />
    </Stack>
  );
}
