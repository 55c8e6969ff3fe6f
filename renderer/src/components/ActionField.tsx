import TextField, { type TextFieldProps } from '@mui/material/TextField';
import type { ReactNode } from 'react';
import type { Action } from './useAction.js';

export type ActionFieldProps = Omit<TextFieldProps<'outlined'>, 'variant' | 'value' | 'onChange' | 'error' | 'helperText'> & {
  action: Action;
  /** The field's name in the host's refusals, whose message replaces the hint. */
  field: string;
  value: string;
  onValue: (text: string) => void;
  hint?: ReactNode;
};

/** A small text field whose error is the one `action` holds for `field`, forgotten as soon as the admin types. */
export function ActionField({ action, field, value, onValue, hint, ...props }: ActionFieldProps) {
  const error = action.errors[field];
  return (
    <TextField
      value={value}
      onChange={(e) => {
        onValue(e.target.value);
        action.clear(field);
      }}
      error={Boolean(error)}
      helperText={error ?? hint}
      size="small"
      {...props}
    />
  );
}
