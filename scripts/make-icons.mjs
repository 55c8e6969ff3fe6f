#!/usr/bin/env node
// Renders every icon from assets/icon-source.mjs with Debian's Chromium
// (Playwright), and packs the Windows ICO and macOS ICNS with png2icons:
//   assets/icon.svg, assets/icon.png (512), assets/icon.ico, assets/icon.icns   the app
//   assets/tray/<state>.png, <state>@2x.png                                     Windows and Linux trays (16/32 px)
//   assets/tray/<state>.ico                                                     the Windows tray (16, 24, 32, 48)
//   assets/tray/<state>Template.png, <state>Template@2x.png                     the macOS menu bar (18/36 px)
// The output is committed; run `npm run icons` after changing the source.
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import png2icons from 'png2icons';
import { chromium } from 'playwright';
import { ICON_STATES, iconSvg } from '../assets/icon-source.mjs';

const assets = new URL('../assets/', import.meta.url);
const out = (name) => fileURLToPath(new URL(name, assets));

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true });
const page = await browser.newPage({ deviceScaleFactor: 1 });

/** The SVG drawn at size × size on a transparent page, as PNG bytes. */
async function render(svg, size) {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace('width="512" height="512"', `width="${size}" height="${size}"`)}</body></html>`);
  return page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
}

await mkdir(out('tray'), { recursive: true });
const app = iconSvg({ state: 'running', title: 'Relay Desk' });
await writeFile(out('icon.svg'), app);
await writeFile(out('icon.png'), await render(app, 512));
const big = await render(app, 1024);
await writeFile(out('icon.ico'), png2icons.createICO(await render(app, 256), png2icons.BICUBIC2, 0, false, true));
await writeFile(out('icon.icns'), png2icons.createICNS(big, png2icons.BICUBIC2, 0));

for (const state of ICON_STATES) {
  const svg = iconSvg({ state });
  await writeFile(out(`tray/${state}.png`), await render(svg, 16));
  await writeFile(out(`tray/${state}@2x.png`), await render(svg, 32));
  await writeFile(out(`tray/${state}.ico`), png2icons.createICO(await render(svg, 48), png2icons.BICUBIC2, 0, false, true));
  const template = iconSvg({ state, template: true });
  await writeFile(out(`tray/${state}Template.png`), await render(template, 18));
  await writeFile(out(`tray/${state}Template@2x.png`), await render(template, 36));
}
await browser.close();
console.log(`icons written under ${fileURLToPath(assets)}`);
