/**
 * The one source of every Relay Desk icon: the app icon (a rounded tile, an
 * envelope, and a badge with an arrow leaving it: mail relayed onward) and
 * the tray's three states, which change only the badge: running (the
 * arrow), paused (two bars) and problem (an exclamation mark). macOS tray
 * templates are the same drawing in black on transparent, no tile, as the
 * menu bar wants. scripts/make-icons.mjs renders them to PNG, ICO and ICNS.
 */

const BLUE = '#1565c0';
const STATES = {
  running: { fill: '#ffb300', glyph: 'M334 356 H410 M382 324 L414 356 L382 388' },
  paused: { fill: '#78909c', glyph: 'M356 326 V386 M396 326 V386' },
  problem: { fill: '#d32f2f', glyph: 'M376 316 V362 M376 392 V394' },
};

const stroke = (d, color, width = 24) =>
  `<path d="${d}" fill="none" stroke="${color}" stroke-width="${width}" stroke-linecap="round" stroke-linejoin="round"/>`;

/** @param {{ state: keyof typeof STATES, template?: boolean, title?: string }} options */
export function iconSvg({ state, template = false, title = `Relay Desk (${state})` }) {
  const badge = STATES[state];
  if (template) {
    // Black on transparent; the badge's glyph is cut out of it, as menu-bar templates draw.
    return `<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512">
  <title>${title}</title>
  <mask id="glyph"><rect width="512" height="512" fill="#fff"/>${stroke(badge.glyph, '#000', 32)}</mask>
  <rect x="60" y="120" width="316" height="244" rx="36" fill="none" stroke="#000" stroke-width="36"/>
  ${stroke('M84 150 L218 256 L352 150', '#000', 36)}
  <circle cx="376" cy="356" r="110" fill="#000" mask="url(#glyph)"/>
</svg>
`;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512">
  <title>${title}</title>
  <rect x="16" y="16" width="480" height="480" rx="104" fill="${BLUE}"/>
  <rect x="88" y="148" width="288" height="216" rx="28" fill="#ffffff"/>
  ${stroke('M104 170 L232 268 L360 170', BLUE)}
  <circle cx="376" cy="356" r="84" fill="${badge.fill}" stroke="${BLUE}" stroke-width="16"/>
  ${stroke(badge.glyph, '#ffffff')}
</svg>
`;
}

export const ICON_STATES = Object.keys(STATES);
