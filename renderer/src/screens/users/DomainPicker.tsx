import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import FormHelperText from '@mui/material/FormHelperText';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { AddIcon } from '../../components/icons.js';
import type { EntryStatus } from './EntryListField.js';

export interface DomainPickerProps {
  /** null while they are being loaded. */
  verified: string[] | null;
  chosen: string[];
  /** The domain selected but not added yet, which the form saves all the same. */
  pick: string;
  statusOf: (domain: string) => EntryStatus | undefined;
  error?: string;
  onPick: (domain: string) => void;
  onChange: (domains: string[]) => void;
}

/** Domains authorized as senders: chosen from the verified ones only. */
export function DomainPicker({ verified, chosen, pick, statusOf, error, onPick, onChange }: DomainPickerProps) {
  const available = (verified ?? []).filter((d) => !chosen.includes(d));
  const add = () => {
    if (!pick) return;
    onChange([...chosen, pick]);
    onPick('');
  };
  return (
    <Stack spacing={1}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start' }}>
        <TextField
          select
          id="user-domains"
          label="Domains authorized as senders"
          value={pick}
          onChange={(e) => onPick(e.target.value)}
          error={Boolean(error)}
          helperText={
            error ??
            (verified === null
              ? 'Loading the verified domains…'
              : verified.length === 0
              ? 'No verified domain yet: add one under Senders and publish its TXT record first.'
              : 'Every address at a chosen domain may send, e.g. company.com or marketing.company.com.')
          }
          size="small"
          fullWidth
          disabled={available.length === 0}
        >
          {available.map((d) => (
            <MenuItem key={d} value={d}>
              {d}
            </MenuItem>
          ))}
        </TextField>
        <Button variant="outlined" onClick={add} disabled={!pick} startIcon={<AddIcon />} aria-label="Add domain" sx={{ flexShrink: 0, height: 40 }}>
          Add
        </Button>
      </Stack>
      {chosen.length > 0 && (
        <Stack direction="row" sx={{ flexWrap: 'wrap', gap: 0.5 }} aria-label="Authorized domains">
          {chosen.map((d) => {
            const status = statusOf(d);
            return (
              <Chip
                key={d}
                size="small"
                label={status && status !== 'verified' ? `${d} (not verified)` : d}
                color={status && status !== 'verified' ? 'warning' : 'default'}
                onDelete={() => onChange(chosen.filter((x) => x !== d))}
              />
            );
          })}
        </Stack>
      )}
      {available.length === 0 && verified !== null && verified.length > 0 && <FormHelperText>All verified domains are chosen.</FormHelperText>}
    </Stack>
  );
}
