import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import { useMemo, useState, type SyntheticEvent } from 'react';
import { ActionField } from '../../components/ActionField.js';
import { AddIcon } from '../../components/icons.js';
import { useAction } from '../../components/useAction.js';
import { ActionProblem } from '../../components/ActionProblem.js';

export interface AddSenderFormProps {
  id: string;
  label: string;
  placeholder: string;
  hint: string;
  /** What to say when Add is pressed with nothing typed. */
  emptyText: string;
  buttonLabel: string;
  /** The API field this input is, so the host's message about it lands under it. */
  field: string;
  onAdd: (value: string) => Promise<void>;
}

/** One text field and an Add button; the host's refusal is shown under the field, the input kept. */
export function AddSenderForm({ id, label, placeholder, hint, emptyText, buttonLabel, field, onAdd }: AddSenderFormProps) {
  const [value, setValue] = useState('');
  const fields = useMemo(() => [field], [field]);
  const action = useAction(fields);
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    if (value.trim() === '') return action.refuse({ [field]: emptyText });
    void action.run(() => onAdd(value.trim())).then((done) => done && setValue(''));
  };
  return (
    <Box component="form" onSubmit={submit} noValidate>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start' }}>
        <ActionField action={action} field={field} id={id} label={label} placeholder={placeholder} value={value} onValue={setValue} hint={hint} fullWidth disabled={action.busy} />
        <Button type="submit" variant="contained" startIcon={<AddIcon />} loading={action.busy} loadingPosition="start" sx={{ flexShrink: 0, height: 40 }}>
          {buttonLabel}
        </Button>
      </Stack>
      <ActionProblem problem={action.problem} />
    </Box>
  );
}
