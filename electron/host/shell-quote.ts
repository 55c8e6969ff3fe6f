/** Quotes a path for a POSIX shell only when it needs it (macOS's and Windows' default folders have spaces), so printed commands can be pasted. */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
