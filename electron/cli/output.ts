/**
 * What commands print: aligned columns and short sentences for people, JSON
 * for scripts (--json). Output goes to stdout; errors go to stderr from the
 * dispatcher, one line each.
 */

export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** JSON for scripts, as the API returned it (or as a command documents it). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Columns separated by two spaces, each as wide as its widest cell; an empty
 * cell shows "-" so the eye does not slide into the next column. Scripts
 * should read --json instead: notes and names may hold spaces.
 */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const cells = [headers, ...rows.map((row) => row.map(cell))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return cells
    .map((row) =>
      row
        .map((text, i) => (i === row.length - 1 ? text : text.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** One line of text for a table cell: line breaks in a note would break the columns. */
export function cell(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat === '' ? '-' : flat;
}

/** A stored ISO time as local "YYYY-MM-DD HH:MM", the way the admin's own clock reads it. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '-';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** Names the seed's edit window shows beside a priority ("3 - Normal"), kept short for a column. */
const PRIORITY_NAMES: Record<number, string> = { 1: 'Highest', 2: 'High', 3: 'Normal', 4: 'Low', 5: 'Lowest' };

export function priority(n: number): string {
  return `${n} (${PRIORITY_NAMES[n] ?? '?'})`;
}

const ENCRYPTION_NAMES: Record<string, string> = {
  none: 'none',
  starttls: 'STARTTLS',
  'starttls-required': 'STARTTLS required',
  tls: 'TLS',
};

export function encryption(name: string): string {
  return ENCRYPTION_NAMES[name] ?? name;
}
