/**
 * What an unknown thrown value says, for every process that runs Node code
 * (host, relay, CLI): a message for people, and the system's errno code for
 * branching (ENOENT, EADDRINUSE, EACCES, ...).
 */

/** The message of anything thrown: an Error's message, else the value as text. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The same on one line: for a reason shown in a table cell or a log line. */
export function oneLineErrorMessage(err: unknown): string {
  return errorMessage(err).replace(/\s+/g, ' ').trim();
}

/** The errno code of a failed system call (ENOENT, EADDRINUSE, ...), or undefined for any other error. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const { code } = err;
  return typeof code === 'string' ? code : undefined;
}
