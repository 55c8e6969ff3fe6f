/**
 * The sample message the Message properties screen previews, with a header
 * and footer put where the relay puts them (relay/mime/decorate-plan.ts):
 * the text versions as whole lines before the first line and after the
 * last, the HTML versions just after <body> and just before </body>.
 */
import type { MessageProperties } from '#api/schemas/message-properties.js';

export const SAMPLE_TEXT = 'Hello,\n\nyour invoice 2026-17 is attached.\n\nBest regards,\nAccounts\n';
const SAMPLE_HTML_BODY = '<p>Hello,</p><p>your invoice <b>2026-17</b> is attached.</p><p>Best regards,<br>Accounts</p>';

/** Text versions are whole lines: the trailing line breaks typed are one. */
const asLines = (text: string) => (text === '' ? '' : `${text.replace(/\r\n?/g, '\n').replace(/\n+$/, '')}\n`);

export function sampleText({ header, footer }: MessageProperties): string {
  return `${header.on ? asLines(header.text) : ''}${SAMPLE_TEXT}${footer.on ? asLines(footer.text) : ''}`;
}

/**
 * The HTML sample as a document for a sandboxed frame. Its own policy
 * forbids scripts and anything fetched from elsewhere, as a careful mail
 * client would; the frame's sandbox forbids scripts too.
 */
export function sampleHtml({ header, footer }: MessageProperties): string {
  const policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
  return (
    `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${policy}">` +
    '<style>body{font-family:sans-serif;font-size:14px;margin:12px;color:#111;background:#fff}</style></head>' +
    `<body>${header.on ? header.html : ''}${SAMPLE_HTML_BODY}${footer.on ? footer.html : ''}</body></html>`
  );
}
