import type { MethodInput } from '#api/contract.js';
import type { UserView } from '#api/schemas/users.js';

/** The dialog's input, kept as typed until it is saved. */
export interface UserForm {
  list: string;
  active: boolean;
  priority: number;
  note: string;
  domains: string[];
  /** A domain chosen in the picker but not added with its button: saved too, as text left in the address box is. */
  domainPick: string;
  addresses: string[];
  addressText: string;
  trustedClients: string[];
  clientText: string;
  rateLimit: string;
}

export function formFor(user: UserView | null, list: string): UserForm {
  return {
    list: user?.list ?? list,
    active: user?.active ?? true,
    priority: user?.priority ?? 3,
    note: user?.note ?? '',
    domains: user?.domains.map((d) => d.domain) ?? [],
    domainPick: '',
    addresses: user?.addresses.map((a) => a.address) ?? [],
    addressText: '',
    trustedClients: user?.trustedClients ?? [],
    clientText: '',
    rateLimit: user?.rateLimitPerHour == null ? '' : String(user.rateLimitPerHour),
  };
}

/** Chosen entries plus whatever is still in the text box, as one ";"-separated string for the host to check. */
function joined(entries: string[], text: string): string {
  return [...entries, text.trim()].filter((e) => e !== '').join(';');
}

export type FieldErrors = Partial<Record<string, string>>;

/** Whether saving the form leaves the user with a domain or address to send as (text not yet added counts, as it is saved). */
export function hasSender(form: UserForm): boolean {
  return form.domains.length > 0 || form.domainPick !== '' || form.addresses.length > 0 || form.addressText.trim() !== '';
}

/** The API input for a form, or the errors that keep it from being sent. */
export function toInput(form: UserForm): { input: MethodInput<'users.create'> } | { errors: FieldErrors } {
  const limit = form.rateLimit.trim();
  if (limit !== '' && !/^[1-9]\d*$/.test(limit)) {
    return { errors: { rateLimitPerHour: 'Enter a whole number of messages per hour, or leave it empty for no limit.' } };
  }
  return {
    input: {
      ...(form.list.trim() ? { list: form.list.trim() } : {}),
      active: form.active,
      priority: form.priority,
      note: form.note,
      domains: form.domainPick && !form.domains.includes(form.domainPick) ? [...form.domains, form.domainPick] : form.domains,
      addresses: joined(form.addresses, form.addressText),
      trustedClients: joined(form.trustedClients, form.clientText),
      rateLimitPerHour: limit === '' ? null : Number(limit),
    },
  };
}
