/**
 * zod's issues in words an admin can act on ("must be at most 200" rather
 * than "Too big: expected number to be <=200"), for every method's input.
 */
import type { core } from 'zod';

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;
}

function bound(origin: string, n: number | bigint): string {
  const value = Number(n);
  if (origin === 'string') return plural(value, 'character');
  if (origin === 'array' || origin === 'set') return plural(value, 'entry').replace('entrys', 'entries');
  return value.toLocaleString('en');
}

const TYPE_WORDS: Record<string, string> = { int: 'a whole number', number: 'a number', string: 'text', boolean: 'true or false', object: 'an object', array: 'a list' };

/** The text of one issue; but for unknown fields, without the field's name (the caller adds it). */
export function describeIssue(issue: core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'too_big':
      return `must be at most ${bound(issue.origin, issue.maximum)}${issue.inclusive === false ? ' (exclusive)' : ''}.`;
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'must not be empty.';
      return `must be at least ${bound(issue.origin, issue.minimum)}.`;
    case 'invalid_type':
      if (issue.input === undefined) return 'is required.';
      return `must be ${TYPE_WORDS[issue.expected] ?? issue.expected}.`;
    case 'invalid_value':
      return `must be one of: ${issue.values.map((v) => String(v)).join(', ')}.`;
    case 'unrecognized_keys':
      return `${issue.keys.join(', ')} ${issue.keys.length === 1 ? 'is not a known field' : 'are not known fields'}.`;
    default:
      return undefined;
  }
}
