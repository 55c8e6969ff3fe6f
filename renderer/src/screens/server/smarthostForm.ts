import type { MethodInput } from '#api/contract.js';
import type { UpstreamView } from '#api/schemas/server.js';
import type { FieldErrors } from '../../components/useAction.js';

export type Security = 'none' | 'starttls' | 'tls';

/** What happens to the stored password on save. */
export type PasswordChange = { kind: 'keep' } | { kind: 'replace'; text: string } | { kind: 'remove' };

/** The smarthost form as typed, kept until it is saved. */
export interface SmarthostForm {
  host: string;
  port: string;
  security: Security;
  user: string;
  password: PasswordChange;
  rejectUnauthorized: boolean;
}

export const SMARTHOST_FIELDS = ['host', 'port', 'security', 'user', 'password', 'rejectUnauthorized'] as const;

export function smarthostFormFor(view: UpstreamView | null): SmarthostForm {
  if (view?.mode !== 'smarthost') {
    return { host: '', port: '587', security: 'starttls', user: '', password: { kind: 'replace', text: '' }, rejectUnauthorized: true };
  }
  return {
    host: view.host,
    port: String(view.port),
    security: view.security,
    user: view.user ?? '',
    // Without a stored password the field is simply open for one.
    password: view.hasPassword ? { kind: 'keep' } : { kind: 'replace', text: '' },
    rejectUnauthorized: view.rejectUnauthorized,
  };
}

export function portError(text: string): string | undefined {
  const port = Number(text.trim());
  return /^\d+$/.test(text.trim()) && port >= 1 && port <= 65535 ? undefined : 'Enter the port the provider gave you (1–65535), often 587 or 465.';
}

/** Omitted keeps what is stored (nothing, when the field was left empty without a stored password). */
function passwordInput(password: PasswordChange): { password?: string | null } {
  if (password.kind === 'remove') return { password: null };
  if (password.kind === 'keep' || password.text === '') return {};
  return { password: password.text };
}

/** The API input for the form, or the errors that keep it from being sent. */
export function smarthostInput(form: SmarthostForm, hadPassword: boolean): { input: MethodInput<'upstream.setSmarthost'> } | { errors: FieldErrors } {
  const errors: FieldErrors = {
    host: form.host.trim() ? undefined : 'Enter the smarthost\'s name, such as smtp.example.com.',
    port: portError(form.port),
    password:
      hadPassword && form.password.kind === 'replace' && form.password.text === ''
        ? 'Type the new password, or keep the stored one.'
        : undefined,
  };
  if (Object.values(errors).some(Boolean)) return { errors };
  return {
    input: {
      host: form.host,
      port: Number(form.port.trim()),
      security: form.security,
      user: form.user.trim() === '' ? null : form.user,
      ...passwordInput(form.password),
      rejectUnauthorized: form.rejectUnauthorized,
    },
  };
}
