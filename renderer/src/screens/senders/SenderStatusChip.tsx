import Chip from '@mui/material/Chip';

const PENDING = {
  domain: 'Pending — publish the TXT record, then check',
  address: 'Pending — enter the code mailed to it',
} as const;

/** Verified, or pending with what the admin still has to do. */
export function SenderStatusChip({ kind, status }: { kind: 'domain' | 'address'; status: 'pending' | 'verified' }) {
  return status === 'verified' ? (
    <Chip color="success" size="small" label="Verified" />
  ) : (
    <Chip size="small" color="warning" label={PENDING[kind]} />
  );
}
