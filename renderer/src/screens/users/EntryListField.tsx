import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useState } from 'react';
import { AddIcon } from '../../components/icons.js';

export type EntryStatus = 'pending' | 'verified' | 'missing';

export interface EntryListFieldProps {
  id: string;
  label: string;
  placeholder: string;
  hint: string;
  entries: string[];
  statusOf?: (entry: string) => EntryStatus | undefined;
  text: string;
  error?: string;
  onText: (text: string) => void;
  onEntries: (entries: string[]) => void;
}

const STATUS_WORDS: Record<EntryStatus, string> = {
  verified: 'verified',
  pending: 'awaiting verification',
  missing: 'not under Senders',
};

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
            const status = statusOf?.(entry);
            return (
              <Chip
                key={entry}
                label={status && status !== 'verified' ? `${entry} (${STATUS_WORDS[status]})` : entry}
                color={status === undefined || status === 'verified' ? 'default' : 'warning'}
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
