/**
 * What the sender's own DKIM signatures (RFC 6376) allow the relay to change
 * in a message. Any change to the body breaks every signature; in the header,
 * a signature covers only the fields its h= tag names (and itself), and one
 * with relaxed header canonicalization (§3.4.2) reads a field unfolded with
 * its whitespace runs squeezed, so folding such a field at whitespace keeps it
 * valid while re-encoding the text does not.
 */
import type Headers from 'mailsplit/lib/headers.js';

export interface ClientSignatures {
  /** Whether the message carries a DKIM-Signature at all. */
  readonly signed: boolean;
  /** Whether folding this field (lower-case name) at whitespace keeps every signature valid. */
  mayFold(name: string): boolean;
  /** Whether re-encoding this field's text keeps every signature valid. */
  mayReencode(name: string): boolean;
}

interface Signature {
  relaxedHeaders: boolean;
  covers: Set<string>;
}

/** The tags of a DKIM-Signature value (RFC 6376 §3.2: tag=value pairs separated by ";", whitespace allowed around them). */
function tagsOf(value: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const pair of value.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0) tags.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).replace(/\s+/g, ''));
  }
  return tags;
}

function parse(line: string): Signature {
  const tags = tagsOf(line.slice(line.indexOf(':') + 1));
  // c= defaults to simple/simple; the header half comes first.
  const headerCanon = (tags.get('c') ?? 'simple').split('/')[0]?.toLowerCase();
  const covers = new Set((tags.get('h') ?? '').split(':').map((name) => name.toLowerCase()));
  covers.add('dkim-signature');
  return { relaxedHeaders: headerCanon === 'relaxed', covers };
}

/** Read from the header when first asked: most messages never need to know. */
export function clientSignatures(headers: Headers): ClientSignatures {
  let parsed: Signature[] | null = null;
  const signatures = () => (parsed ??= headers.get('dkim-signature').map(parse));
  return {
    get signed() {
      return signatures().length > 0;
    },
    mayFold: (name) => signatures().every((s) => s.relaxedHeaders || !s.covers.has(name)),
    mayReencode: (name) => signatures().every((s) => !s.covers.has(name)),
  };
}
