/**
 * Every screen, light and dark, checked with axe-core (WCAG 2 A/AA rules) in
 * Chromium with real data on it: no serious or critical violation. And the
 * app is usable from the keyboard alone: screens switch with the arrow keys,
 * the add-user dialog opens with Enter, traps focus and closes with Escape.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright';
import { ok } from '../fixtures/api.js';
import { openPage, screenshot, settled } from '../fixtures/browser.js';
import { startDns } from '../fixtures/dns.js';
import { startRelayDesk, type RelayDesk } from '../fixtures/relay-desk.js';
import { verifyDomain } from '../fixtures/scenario.js';
import { startUpstream } from '../fixtures/upstream.js';

async function relayWithData(t: Parameters<typeof startRelayDesk>[0]): Promise<RelayDesk> {
  const dns = await startDns(t);
  const upstream = await startUpstream(t);
  const relay = await startRelayDesk(t, { dns, upstream });
  await verifyDomain(relay, dns, 'office.example');
  await ok(relay, 'senders.addDomain', { domain: 'pending.example' });
  // A pending address: its warning chips are on the Senders screen and in the user's dialog.
  await ok(relay, 'users.create', { note: 'Front desk printer', domains: 'office.example', addresses: 'billing@shop.example', priority: 1 });
  await ok(relay, 'users.create', { list: 'Invoices', note: 'ERP', active: false });
  return relay;
}

/** Waits until the screen shown has loaded: a heading, and no progress indicator left. */
async function screenLoaded(page: Page): Promise<void> {
  const panel = page.getByRole('tabpanel');
  await panel.getByRole('heading').first().waitFor();
  await panel.getByRole('progressbar').first().waitFor({ state: 'detached' });
  await settled(page);
}

/** Serious and critical violations, one line each, so a failure names what to fix. */
async function violations(page: Page): Promise<string[]> {
  // The Properties screen's preview frame holds the admin's own HTML, not the app's; axe's walk into a sandboxed frame can hang.
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).exclude('iframe[sandbox]').analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${String(v.impact)}): ${v.help} at ${n.target.join(' ')}`));
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe finds no serious violation on any screen (${colorScheme})`, async (t) => {
    const relay = await relayWithData(t);
    const page = await openPage(t, { colorScheme });
    await page.goto(relay.adminUrl);
    const tabs = page.getByRole('tablist', { name: 'screens' }).getByRole('tab');
    await tabs.first().waitFor();
    const names = await tabs.allTextContents();
    assert.ok(names.length >= 2, names.join(', '));
    const found: string[] = [];
    for (const name of names) {
      await page.getByRole('tab', { name }).click();
      await screenLoaded(page);
      found.push(...(await violations(page)).map((v) => `${name}: ${v}`));
    }
    // Statistics show once a list is chosen: its controls and chart too.
    await page.getByRole('tab', { name: 'Statistics' }).click();
    await page.getByRole('combobox', { name: /^List/ }).click();
    await page.getByRole('option', { name: 'Invoices', exact: true }).click();
    await page.getByLabel('messages per day').waitFor();
    await screenLoaded(page);
    found.push(...(await violations(page)).map((v) => `Statistics of a list: ${v}`));
    await screenshot(page, `accessibility-statistics-${colorScheme}`);
    await page.getByRole('combobox', { name: /^List/ }).click();
    await page.getByRole('option', { name: 'All lists', exact: true }).click();
    await page.getByRole('tab', { name: /users/i }).click();
    await screenLoaded(page);
    await page.getByRole('button', { name: 'Add new user' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Add new SMTP user' }).waitFor();
    await settled(page);
    found.push(...(await violations(page)).map((v) => `Add user dialog: ${v}`));
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    const printer = page.getByRole('row').filter({ hasText: 'Front desk printer' });
    await printer.getByRole('button', { name: /^Edit / }).click();
    await dialog.getByText('billing@shop.example (awaiting verification)').waitFor();
    await settled(page);
    found.push(...(await violations(page)).map((v) => `Edit user dialog: ${v}`));
    await screenshot(page, `accessibility-edit-user-${colorScheme}`);
    assert.deepEqual(found, []);
  });
}

test('the admin can work from the keyboard alone', async (t) => {
  const relay = await startRelayDesk(t);
  const page = await openPage(t);
  await page.goto(relay.adminUrl);
  const statusTab = page.getByRole('tab', { name: 'Status' });
  await statusTab.waitFor();
  await statusTab.focus();
  // Tabs follow the WAI-ARIA pattern: arrows move between them, Enter opens one.
  await page.keyboard.press('ArrowRight');
  const usersTab = page.getByRole('tab', { name: 'Users' });
  assert.equal(await usersTab.evaluate((el) => el === document.activeElement), true);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'SMTP users' }).waitFor();
  const add = page.getByRole('button', { name: 'Add new user' });
  await add.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('heading', { name: 'Add new SMTP user' }).waitFor();
  // Focus is inside the dialog and stays there while tabbing through it.
  for (let i = 0; i < 25; i++) {
    await page.keyboard.press('Tab');
    assert.equal(await dialog.evaluate((el) => el.contains(document.activeElement)), true, `focus left the dialog after ${String(i + 1)} Tab presses`);
  }
  await settled(page);
  await screenshot(page, 'accessibility-keyboard-dialog');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await add.evaluate((el) => el === document.activeElement), true, 'focus returns to the button that opened the dialog');
});
