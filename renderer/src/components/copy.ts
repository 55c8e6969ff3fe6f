/**
 * Copies text to the clipboard. navigator.clipboard needs a secure context
 * (and may be refused); the old execCommand path is tried next. Resolves
 * with whether the text really reached the clipboard.
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    // Undefined outside secure contexts, whatever the DOM typings say.
    const clipboard = navigator.clipboard as Clipboard | undefined;
    if (clipboard) {
      await clipboard.writeText(text);
      return true;
    }
  } catch {
    // Fall through to the older way.
  }
  const previous = document.activeElement;
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  try {
    // Deprecated, but the only way left when the Clipboard API is missing or refused.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
    if (previous instanceof HTMLElement) previous.focus();
  }
}
