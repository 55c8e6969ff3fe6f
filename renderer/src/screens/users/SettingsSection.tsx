import Autocomplete from '@mui/material/Autocomplete';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import InputAdornment from '@mui/material/InputAdornment';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import { InfoIcon } from '../../components/icons.js';
import { PRIORITIES } from './priority.js';
import type { FieldErrors, UserForm } from './userForm.js';

export interface SettingsSectionProps {
  form: UserForm;
  errors: FieldErrors;
  lists: string[];
  onChange: (patch: Partial<UserForm>, field?: string) => void;
}

/** Status, priority, list, note and rate limit. */
export function SettingsSection({ form, errors, lists, onChange }: SettingsSectionProps) {
  return (
    <Stack spacing={2} component="section" aria-label="settings">
      <Stack direction="row" spacing={3} sx={{ alignItems: 'flex-start', flexWrap: 'wrap' }}>
        <div>
          <FormControlLabel
            control={<Checkbox id="user-active" checked={form.active} onChange={(e) => onChange({ active: e.target.checked }, 'active')} />}
            label="Active user"
          />
          <FormHelperText sx={{ mt: 0 }}>{errors.active ?? 'An inactive user cannot send.'}</FormHelperText>
        </div>
        <TextField
          select
          id="user-priority"
          label="Priority"
          value={form.priority}
          onChange={(e) => onChange({ priority: Number(e.target.value) }, 'priority')}
          error={Boolean(errors.priority)}
          helperText={errors.priority}
          size="small"
          sx={{ width: 200 }}
          slotProps={{
            input: {
              endAdornment: (
                <InputAdornment position="end" sx={{ mr: 2 }}>
                  <Tooltip title="The priority recipients' mail clients show (X-Priority and Importance headers).">
                    <InfoIcon fontSize="small" color="action" aria-label="About priority" />
                  </Tooltip>
                </InputAdornment>
              ),
            },
          }}
        >
          {PRIORITIES.map((p) => (
            <MenuItem key={p.value} value={p.value}>
              {p.label}
            </MenuItem>
          ))}
        </TextField>
        <Autocomplete
          id="user-list"
          freeSolo
          options={lists}
          value={form.list}
          onInputChange={(_e, value) => onChange({ list: value }, 'list')}
          sx={{ width: 220 }}
          renderInput={(params) => (
            <TextField
              {...params}
              label="List"
              size="small"
              error={Boolean(errors.list)}
              helperText={errors.list ?? 'Choose one, or type a new name.'}
            />
          )}
        />
      </Stack>
      <TextField
        id="user-note"
        label="Note"
        value={form.note}
        onChange={(e) => onChange({ note: e.target.value }, 'note')}
        error={Boolean(errors.note)}
        helperText={errors.note ?? 'For you only: what this user is for (e.g. "Scanner, 2nd floor").'}
        size="small"
        fullWidth
        multiline
        maxRows={4}
      />
      <TextField
        id="user-rate-limit"
        label="Rate limit (messages per hour)"
        value={form.rateLimit}
        onChange={(e) => onChange({ rateLimit: e.target.value }, 'rateLimitPerHour')}
        error={Boolean(errors.rateLimitPerHour)}
        helperText={errors.rateLimitPerHour ?? 'Empty: no limit.'}
        size="small"
        sx={{ width: 280 }}
        slotProps={{ htmlInput: { inputMode: 'numeric' } }}
      />
    </Stack>
  );
}
