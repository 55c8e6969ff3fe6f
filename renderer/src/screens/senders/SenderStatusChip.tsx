import Chip from '@mui/material/Chip';

export interface SenderStatusChipProps {
  kind: 'domain' | 'address';
  status: 'pending' | 'verified' | 'covered';
  /** For a pending address: whether a code was mailed to it. */
  codeSent?: boolean;
}

function pendingLabel(kind: 'domain' | 'address', codeSent: boolean): string {
  if (kind === 'domain') return 'Pending — publish the TXT record, then check';
  return codeSent ? 'Pending — enter the code mailed to it' : 'Pending — send it a code';
}

/** Verified (by itself, or covered by a verified domain), or pending with what the admin still has to do. */
export function SenderStatusChip({ kind, status, codeSent = true }: SenderStatusChipProps) {
  if (status === 'verified') return <Chip color="success" size="small" label="Verified" />;
  if (status === 'covered') return <Chip color="success" size="small" variant="outlined" label="Covered by its domain — no code needed" />;
  return <Chip size="small" color="warning" label={pendingLabel(kind, codeSent)} />;
}
