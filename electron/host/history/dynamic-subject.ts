/**
 * A subject with its variable parts replaced by "#": addresses, dates,
 * times, numbers, and ids or hex strings (any word with a digit, or a long
 * hex run). "Ticket 123 solved" and "Ticket 456 solved" both become
 * "Ticket # solved", so statistics by dynamic subject group them. Stored at
 * ingest, so grouping is an index lookup rather than a pass over subjects.
 */
const PATTERNS: readonly RegExp[] = [
  /[^\s<>@"']+@[^\s<>@"']+/g,
  /\b\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b/g,
  /\b\d{1,2}:\d{2}(:\d{2})?\b/g,
  /\b[0-9a-f]{8,}\b/gi,
  /[\p{L}\p{N}_-]*\d[\p{L}\p{N}_-]*/gu,
];

export function dynamicSubject(subject: string): string {
  let out = subject;
  for (const pattern of PATTERNS) out = out.replace(pattern, '#');
  return out
    .replace(/#(?:[\s.,:/-]*#)+/g, '#')
    .replace(/\s+/g, ' ')
    .trim();
}
