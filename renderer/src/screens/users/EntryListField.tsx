import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useState } from 'react';
import { AddIcon } from '../../components/icons.js';

export type EntryStatus = 'pending' | 'verified' | 'covered' | 'missing';

/** An entry's status as the host gave it; an address at a verified domain names the domain. */
export interface EntryState {
  status: EntryStatus;
  coveredBy?: string | undefined;
}

export interface EntryListFieldProps {
  id: string;
  label: string;
  placeholder: string;
  hint: string;
  entries: string[];
  statusOf?: (entry: string) => EntryState | undefined;
  text: string;
  error?: string;
  onText: (text: string) => void;
  onEntries: (entries: string[]) => void;
}

/** What a chip adds to its entry: nothing for a verified one. */
function statusWords({ status, coveredBy }: EntryState): string | null {
  switch (status) {
    case 'verified':
      return null;
    case 'covered':
      return `covered by the verified domain ${coveredBy ?? ''}`;
    case 'pending':
      return 'awaiting verification';
    case 'missing':
      return 'not under Senders';
  }
}

/**
 * Entries typed one at a time (Add) or pasted ";"-separated. What is still in
 * the text box is sent as typed when the form is saved, so the host's own
 * message (e.g. "use ;") lands under this field.
 */
export function EntryListField({ id, label, placeholder, hint, entries, statusOf, text, error, onText, onEntries }: EntryListFieldProps) {
  // Only for the Add button: on save, the raw text goes to the host, whose message is `error`.
  const [addProblem, setAddProblem] = useState<string | null>(null);
  const add = () => {
    if (text.includes(',')) return setAddProblem('Separate the entries with ";" (semicolon), not "," (comma).');
    const added = text.split(';').map((e) => e.trim()).filter((e) => e !== '' && !entries.includes(e));
    if (added.length === 0) return;
    onEntries([...entries, ...added]);
    onText('');
  };
  return (
    <Stack spacing={1}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start' }}>
        <TextField
          id={id}
          label={label}
          placeholder={placeholder}
          value={text}
          onChange={(e) => {
            setAddProblem(null);
            onText(e.target.value);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add();
            }
          }}
          error={Boolean(error ?? addProblem)}
          helperText={error ?? addProblem ?? hint}
          size="small"
          fullWidth
        />
        <Button variant="outlined" onClick={add} startIcon={<AddIcon />} aria-label={`Add to ${label}`} sx={{ flexShrink: 0, height: 40 }}>
          Add
        </Button>
      </Stack>
      {entries.length > 0 && (
        <Stack direction="row" sx={{ flexWrap: 'wrap', gap: 0.5 }} aria-label={`${label}: chosen`}>
          {entries.map((entry) => {
            const state = statusOf?.(entry);
            const words = state ? statusWords(state) : null;
            const needsWork = state?.status === 'pending' || state?.status === 'missing';
            return (
              <Chip
                key={entry}
                label={words ? `${entry} (${words})` : entry}
                color={needsWork ? 'warning' : 'default'}
                size="small"
                onDelete={() => onEntries(entries.filter((e) => e !== entry))}
              />
            );
          })}
        </Stack>
      )}
    </Stack>
  );
}
