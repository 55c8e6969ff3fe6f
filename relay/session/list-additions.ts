/**
 * What a message gets from its list's message properties: the header and
 * the footer, each when the list's switch is on, or when the message's
 * X-SMTPAPI says "Header": true or "Footer": true. The list allows that only
 * for what it has written: a header or footer whose text and HTML are both
 * empty is never added, whatever X-SMTPAPI says. "Header": false and
 * "Footer": false leave them out of this message even when switched on.
 */
import type { MessageAdditions } from '../mime/decorate-plan.js';
import type { Decoration, ListProperties } from '../protocol.js';
import type { SmtpApi } from './smtpapi.js';

function pick(decoration: Decoration, override: boolean | undefined): MessageAdditions['header'] {
  const written = decoration.text !== '' || decoration.html !== '';
  return written && (override ?? decoration.on) ? { text: decoration.text, html: decoration.html } : null;
}

/** null when the message gets nothing (most lists have nothing written: then this costs one lookup). */
export function additionsFor(properties: ListProperties | undefined, api: SmtpApi | null): MessageAdditions | null {
  if (!properties) return null;
  const header = pick(properties.header, api?.header);
  const footer = pick(properties.footer, api?.footer);
  return header || footer ? { header, footer } : null;
}
