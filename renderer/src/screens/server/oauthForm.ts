import type { MethodInput } from '#api/contract.js';
import type { UpstreamView } from '#api/schemas/server.js';
import type { FieldErrors } from '../../components/useAction.js';
import { portError, type Security } from './smarthostForm.js';

export type Preset = 'microsoft365' | 'google' | 'custom';
export type Flow = 'browser' | 'device' | 'app';
/** How an app-only sign-in proves it is the app: a client secret, or a certificate and its key (Microsoft 365). */
export type Credential = 'secret' | 'certificate';

/** The OAuth form as typed, kept until it is saved. */
export interface OAuthForm {
  preset: Preset;
  flow: Flow;
  tenant: string;
  clientId: string;
  credential: Credential;
  clientSecret: string;
  certificate: string;
  privateKey: string;
  user: string;
  host: string;
  port: string;
  security: Security;
  authorization: string;
  token: string;
  device: string;
  scope: string;
  rejectUnauthorized: boolean;
}

/**
 * The fields as the host names them in a refusal (zod's path, joined with dots),
 * plus the groups its own checks name ('smtp', 'endpoints').
 */
export const OAUTH_FIELDS = [
  'preset', 'flow', 'tenant', 'clientId', 'clientSecret', 'clientCertificate', 'clientCertificate.certificate', 'clientCertificate.privateKey', 'user',
  'smtp', 'smtp.host', 'smtp.port', 'smtp.security', 'endpoints', 'endpoints.authorization', 'endpoints.token', 'endpoints.device', 'scope', 'rejectUnauthorized',
] as const;

export const PRESETS: { value: Preset; label: string }[] = [
  { value: 'microsoft365', label: 'Microsoft 365' },
  { value: 'google', label: 'Google (Gmail, Google Workspace)' },
  { value: 'custom', label: 'Other provider' },
];

/** The sign-in ways a provider offers for SMTP (see electron/host/oauth/presets.ts for the sources). */
export const FLOWS_OF: Record<Preset, Flow[]> = {
  microsoft365: ['browser', 'device', 'app'],
  google: ['browser'],
  custom: ['browser', 'device', 'app'],
};

export const FLOW_LABELS: Record<Flow, string> = {
  browser: 'In the browser on this computer',
  device: 'With a code, on another device ("open an address, enter a code")',
  app: 'App-only (the app registration signs in, no user)',
};

export function oauthFormFor(view: UpstreamView | null): OAuthForm {
  const smarthost = view?.mode === 'smarthost' ? view : null;
  const oauth = smarthost?.oauth ?? null;
  return {
    preset: oauth?.preset ?? 'microsoft365',
    flow: oauth?.flow ?? 'browser',
    tenant: oauth?.preset === 'microsoft365' ? oauth.tenant : 'common',
    clientId: oauth?.clientId ?? '',
    credential: 'secret',
    clientSecret: '',
    certificate: '',
    privateKey: '',
    user: oauth ? (smarthost?.user ?? '') : '',
    host: oauth?.preset === 'custom' ? (smarthost?.host ?? '') : '',
    port: oauth?.preset === 'custom' ? String(smarthost?.port ?? 587) : '587',
    security: oauth?.preset === 'custom' ? (smarthost?.security ?? 'starttls') : 'starttls',
    authorization: oauth?.preset === 'custom' ? (oauth.endpoints.authorization ?? '') : '',
    token: oauth?.preset === 'custom' ? oauth.endpoints.token : '',
    device: oauth?.preset === 'custom' ? (oauth.endpoints.device ?? '') : '',
    scope: oauth?.preset === 'custom' ? oauth.scope : '',
    rejectUnauthorized: oauth?.preset === 'custom' ? (smarthost?.rejectUnauthorized ?? true) : true,
  };
}

function urlError(text: string, needed: string | null): string | undefined {
  if (text.trim() === '') return needed ?? undefined;
  try {
    const url = new URL(text.trim());
    return url.protocol === 'https:' || url.protocol === 'http:' ? undefined : 'Enter an https:// address.';
  } catch {
    return 'Enter the full address, such as https://login.example.com/oauth2/token.';
  }
}

function customErrors(form: OAuthForm): FieldErrors {
  return {
    'smtp.host': form.host.trim() ? undefined : "Enter the provider's SMTP server, such as smtp.example.com.",
    'smtp.port': portError(form.port),
    'endpoints.token': urlError(form.token, "Enter the provider's token endpoint."),
    'endpoints.authorization': urlError(form.authorization, form.flow === 'browser' ? 'The browser sign-in needs the authorization endpoint.' : null),
    'endpoints.device': urlError(form.device, form.flow === 'device' ? 'The sign-in with a code needs the device authorization endpoint.' : null),
    scope: form.scope.trim() ? undefined : 'Enter the scope that lets a token send mail.',
  };
}

function credentialErrors(form: OAuthForm, hadCredential: boolean): FieldErrors {
  if (form.flow !== 'app') return {};
  if (form.credential === 'secret') {
    return { clientSecret: form.clientSecret === '' && !hadCredential ? "Enter the app registration's client secret." : undefined };
  }
  const partial = (form.certificate.trim() === '') !== (form.privateKey.trim() === '');
  const missing = form.certificate.trim() === '' && !hadCredential;
  return {
    'clientCertificate.certificate': (partial || missing) && form.certificate.trim() === '' ? "Paste the app's certificate (PEM)." : undefined,
    'clientCertificate.privateKey': (partial || missing) && form.privateKey.trim() === '' ? "Paste the certificate's private key (PEM)." : undefined,
  };
}

/** What is sent for the app's credential: nothing when the stored one is kept. */
function credentialInput(form: OAuthForm): Partial<MethodInput<'upstream.setOAuth'>> {
  if (form.flow !== 'app') return {};
  if (form.credential === 'secret') return form.clientSecret ? { clientSecret: form.clientSecret } : {};
  return form.certificate.trim() ? { clientCertificate: { certificate: form.certificate, privateKey: form.privateKey } } : {};
}

/** The API input for the form, or the errors that keep it from being sent. */
export function oauthInput(form: OAuthForm, hadCredential: boolean): { input: MethodInput<'upstream.setOAuth'> } | { errors: FieldErrors } {
  const errors: FieldErrors = {
    clientId: form.clientId.trim() ? undefined : 'Enter the application (client) id of your app registration.',
    user: /^[^@\s]+@[^@\s]+$/.test(form.user.trim()) ? undefined : 'Enter the mailbox the relay sends as, such as relay@example.com.',
    flow: FLOWS_OF[form.preset].includes(form.flow) ? undefined : 'Choose one of the sign-in ways this provider offers.',
    ...credentialErrors(form, hadCredential),
    ...(form.preset === 'custom' ? customErrors(form) : {}),
  };
  if (Object.values(errors).some(Boolean)) return { errors };
  const optional = (text: string) => (text.trim() === '' ? null : text.trim());
  return {
    input: {
      preset: form.preset,
      flow: form.flow,
      ...(form.preset === 'microsoft365' ? { tenant: form.tenant.trim() || 'common' } : {}),
      clientId: form.clientId.trim(),
      user: form.user.trim(),
      ...credentialInput(form),
      ...(form.preset === 'custom'
        ? {
            smtp: { host: form.host.trim(), port: Number(form.port.trim()), security: form.security },
            endpoints: { authorization: optional(form.authorization), token: form.token.trim(), device: optional(form.device) },
            scope: form.scope.trim(),
          }
        : {}),
      // The providers' own servers always have a certificate to check; another provider's may be self-signed inside the network.
      rejectUnauthorized: form.preset === 'custom' ? form.rejectUnauthorized : true,
    },
  };
}
