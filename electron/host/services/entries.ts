/**
 * Lists of domains, addresses and device addresses as an admin types or
 * pastes them: separated by ";" (MailUp's convention), never by ",", which is
 * refused with a message that says so. Each entry is checked and the first
 * bad one is named.
 */
import { domainToASCII } from 'node:url';
import ipaddr from 'ipaddr.js';
import { ApiError } from '../../api/contract.js';

export type EntryKind = 'domain' | 'address' | 'client';

export function splitEntries(input: string | string[], field: string): string[] {
  const raw = typeof input === 'string' ? [input] : input;
  if (raw.some((text) => text.includes(','))) {
    throw new ApiError('use_semicolon', 'Separate the entries with ";" (semicolon), not "," (comma).', field);
  }
  const entries = raw.flatMap((text) => text.split(';')).map((e) => e.trim()).filter((e) => e !== '');
  return [...new Set(entries)];
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** A domain in its lower-case ASCII form, or null when it is not a domain name. */
export function normalizeDomain(text: string): string | null {
  const ascii = domainToASCII(text.trim().replace(/\.$/, '').toLowerCase());
  if (!ascii || ascii.length > 253) return null;
  const labels = ascii.split('.');
  return labels.length >= 2 && labels.every((l) => LABEL.test(l)) && !/^\d+$/.test(labels.at(-1) ?? '') ? ascii : null;
}

/** An address with its domain normalized, or null when it is not an address. */
export function normalizeAddress(text: string): string | null {
  const at = text.lastIndexOf('@');
  if (at <= 0) return null;
  const local = text.slice(0, at).trim();
  const domain = normalizeDomain(text.slice(at + 1));
  if (!domain || local.length > 64 || /[\s<>(),;:@"\\[\]]/.test(local)) return null;
  return `${local}@${domain}`;
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
    const normalized = kind === 'domain' ? normalizeDomain(entry) : normalizeAddress(entry);
    if (!normalized) {
      const what = kind === 'domain' ? 'a domain name like company.com' : 'an email address like info@company.com';
      throw new ApiError('invalid_entry', `"${entry}" is not ${what}.`, field);
    }
    return normalized;
  });
}
