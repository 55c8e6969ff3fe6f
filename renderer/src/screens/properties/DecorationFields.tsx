import FormControlLabel from '@mui/material/FormControlLabel';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import Typography from '@mui/material/Typography';
import type { Decoration } from '#api/schemas/message-properties.js';
import { ActionField } from '../../components/ActionField.js';
import type { Action } from '../../components/useAction.js';

export interface DecorationFieldsProps {
  which: 'header' | 'footer';
  value: Decoration;
  onChange: (value: Decoration) => void;
  action: Action;
}

const WORDS = {
  header: { title: 'Header', text: 'before its first line', html: 'at the top of its body' },
  footer: { title: 'Footer', text: 'after its last line', html: 'at the bottom of its body' },
};

/** One header or footer: its switch, and its text and HTML versions. */
export function DecorationFields({ which, value, onChange, action }: DecorationFieldsProps) {
  const words = WORDS[which];
  const titleId = `${which}-title`;
  return (
    <Stack component="fieldset" aria-labelledby={titleId} spacing={1.5} sx={{ border: 0, m: 0, p: 0 }}>
      <Typography variant="subtitle1" component="h3" id={titleId}>
        {words.title}
      </Typography>
      <FormControlLabel
        control={<Switch checked={value.on} onChange={(e) => onChange({ ...value, on: e.target.checked })} disabled={action.busy} />}
        label={`Add the ${which} to every message of this list`}
      />
      <ActionField
        action={action}
        field={`${which}.text`}
        id={`${which}-text`}
        label="Text version"
        value={value.text}
        onValue={(text) => onChange({ ...value, text })}
        hint={`Added to the plain-text part, ${words.text}.`}
        multiline
        minRows={2}
        disabled={action.busy}
        fullWidth
      />
      <ActionField
        action={action}
        field={`${which}.html`}
        id={`${which}-html`}
        label="HTML version"
        value={value.html}
        onValue={(html) => onChange({ ...value, html })}
        hint={`Added to the HTML part, ${words.html}: markup and inline styles (mail programs run no scripts).`}
        multiline
        minRows={2}
        disabled={action.busy}
        fullWidth
        slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: 'monospace' } } }}
      />
    </Stack>
  );
}
