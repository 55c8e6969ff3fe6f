/**
 * Domain and address input as an admin types it, made into the one form the
 * store, the vault names and the relay's sender policy compare: lower-case,
 * no trailing dot, internationalized names in their ASCII (punycode) form.
 * Every refusal names the offending text and says what to enter instead.
 */
import { domainToASCII } from 'node:url';
import { ApiError } from '../../../api/contract.js';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
/** RFC 5322 atext and dots: the unquoted local parts every mail system takes. */
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$/;

function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}

/**
 * Why `input` is not a domain name, or its normalized form. `forNew` adds the
 * rules for a domain being added as a sender (no "www." host names).
 */
export function checkDomainName(input: string, forNew: boolean): { ok: true; domain: string } | { ok: false; message: string } {
  const raw = input.trim();
  if (raw === '') return { ok: false, message: 'Enter a domain name, e.g. company.com.' };
  if (/[;,]/.test(raw)) return { ok: false, message: `${quote(raw)} holds several entries; add one domain at a time.` };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    return { ok: false, message: `${quote(raw)} is a web address; enter the domain itself, e.g. company.com.` };
  }
  if (raw.includes('@')) {
    return { ok: false, message: `${quote(raw)} is an email address; enter only the domain after the @, or add the address as a sender address.` };
  }
  if (/\s/.test(raw)) return { ok: false, message: `${quote(raw)} is not a valid domain name: it contains a space.` };
  const lower = raw.toLowerCase().replace(/\.$/, '');
  const ascii = domainToASCII(lower);
  const labels = ascii.split('.');
  if (ascii === '' || ascii.length > 253 || !labels.every((l) => LABEL.test(l))) return { ok: false, message: `${quote(raw)} is not a valid domain name.` };
  if (labels.length < 2) return { ok: false, message: `${quote(raw)} is not a complete domain name; enter it with its ending, e.g. company.com.` };
  if (/^\d+$/.test(labels[labels.length - 1] ?? '')) {
    return { ok: false, message: `${quote(raw)} is an IP address; enter a domain name, e.g. company.com.` };
  }
  if (forNew && labels[0] === 'www' && labels.length > 2) {
    return { ok: false, message: `${quote(raw)} is a web server's name; enter the domain itself, e.g. ${labels.slice(1).join('.')}.` };
  }
  return { ok: true, domain: ascii };
}

/** The normalized domain, or an 'invalid_domain' ApiError on the field `domain`. */
export function parseDomain(input: string, forNew: boolean): string {
  const checked = checkDomainName(input, forNew);
  if (!checked.ok) throw new ApiError('invalid_domain', checked.message, 'domain');
  return checked.domain;
}

type DomainCheck = ReturnType<typeof checkDomainName>;

/**
 * checkDomainName of the part after an address's @, remembered: thousands of
 * addresses share a few domains, and the relay's configuration checks every
 * user's addresses at each start (domainToASCII for each was most of its
 * ~0.15 s with 10,000 users). Bounded, since the input is anyone's text.
 */
const addressDomains = new Map<string, DomainCheck>();
const ADDRESS_DOMAINS_KEPT = 1_000;

function addressDomain(part: string): DomainCheck {
  let checked = addressDomains.get(part);
  if (checked === undefined) {
    checked = checkDomainName(part, false);
    if (addressDomains.size >= ADDRESS_DOMAINS_KEPT) addressDomains.clear();
    addressDomains.set(part, checked);
  }
  return checked;
}

/** The normalized address, or why it is not one. */
export function checkAddress(input: string): { ok: true; address: string } | { ok: false; message: string } {
  const raw = input.trim();
  if (raw === '') return { ok: false, message: 'Enter an email address, e.g. info@company.com.' };
  if (/[;,]/.test(raw)) return { ok: false, message: `${quote(raw)} holds several entries; add one address at a time.` };
  if (/\s/.test(raw)) return { ok: false, message: `${quote(raw)} is not a valid email address: it contains a space.` };
  const parts = raw.split('@');
  if (parts.length !== 2) {
    return { ok: false, message: `${quote(raw)} is not a valid email address: it needs exactly one @, e.g. info@company.com.` };
  }
  const [local = '', domainPart = ''] = parts;
  if (local === '') return { ok: false, message: `${quote(raw)} is not a valid email address: nothing comes before the @.` };
  if (local.length > 64 || !LOCAL_PART.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return { ok: false, message: `${quote(raw)} is not a valid email address: the part before the @ (${quote(local)}) is not one Relay Desk can send as.` };
  }
  const domain = addressDomain(domainPart);
  if (!domain.ok) {
    return { ok: false, message: `${quote(raw)} is not a valid email address: the part after the @ (${quote(domainPart)}) is not a valid domain name.` };
  }
  return { ok: true, address: `${local.toLowerCase()}@${domain.domain}` };
}

/** The normalized address, or an 'invalid_address' ApiError on the field `address`. */
export function parseAddress(input: string): string {
  const checked = checkAddress(input);
  if (!checked.ok) throw new ApiError('invalid_address', checked.message, 'address');
  return checked.address;
}

/** The form two spellings of one domain share: a best effort for comparing stored entries, never throwing. */
export function domainKey(domain: string): string {
  return domainToASCII(domain.trim().toLowerCase().replace(/\.$/, '')) || domain.trim().toLowerCase();
}

/** The form two spellings of one address share. */
export function addressKey(address: string): string {
  const checked = checkAddress(address);
  return checked.ok ? checked.address : address.trim().toLowerCase();
}

export function sameDomain(a: string, b: string): boolean {
  return domainKey(a) === domainKey(b);
}

export function sameAddress(a: string, b: string): boolean {
  return addressKey(a) === addressKey(b);
}
