/**
 * Lists of domains, addresses and device addresses as an admin types or
 * pastes them: separated by ";" (MailUp's convention), never by ",", which is
 * refused with a message that says so. Each entry is checked and the first
 * bad one is named.
 */
import ipaddr from 'ipaddr.js';
import { ApiError } from '../../api/contract.js';
import { checkAddress, checkDomainName } from './senders/names.js';

export type EntryKind = 'domain' | 'address' | 'client';

export function splitEntries(input: string | string[], field: string): string[] {
  const raw = typeof input === 'string' ? [input] : input;
  if (raw.some((text) => text.includes(','))) {
    throw new ApiError('use_semicolon', 'Separate the entries with ";" (semicolon), not "," (comma).', field);
  }
  const entries = raw.flatMap((text) => text.split(';')).map((e) => e.trim()).filter((e) => e !== '');
  return [...new Set(entries)];
}

export function isClientAddress(text: string): boolean {
  try {
    if (text.includes('/')) ipaddr.parseCIDR(text);
    else ipaddr.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Splits, checks and normalizes one list; the error names the entry that is wrong. */
export function parseEntries(input: string | string[], kind: EntryKind, field: string): string[] {
  return splitEntries(input, field).map((entry) => {
    if (kind === 'client') {
      if (!isClientAddress(entry)) throw new ApiError('invalid_entry', `"${entry}" is not an IP address or a network like 192.168.1.0/24.`, field);
      return entry;
    }
    const checked = kind === 'domain' ? checkDomainName(entry, false) : checkAddress(entry);
    if (!checked.ok) throw new ApiError('invalid_entry', checked.message, field);
    return 'domain' in checked ? checked.domain : checked.address;
  });
}
