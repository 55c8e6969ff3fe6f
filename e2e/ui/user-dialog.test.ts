/**
 * The Add/Edit SMTP user dialog in a real browser against a real host, where
 * a new admin trips: what is chosen in a field but not added with its button
 * is saved all the same, the name the new user will get is shown before it
 * is made, a user without an authorized sender is warned about, and after
 * creation one button closes the dialog.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright';
import { ok } from '../fixtures/api.js';
import { openPage } from '../fixtures/browser.js';
import { startDns } from '../fixtures/dns.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';
import { verifyDomain } from '../fixtures/scenario.js';
import { LAPTOP, screenshotBothSizes } from '../fixtures/screen-sizes.js';

async function openUsers(page: Page, adminUrl: string): Promise<void> {
  await page.goto(adminUrl);
  await page.getByRole('tab', { name: 'Users' }).click();
  await page.getByRole('grid', { name: 'SMTP users' }).waitFor();
}

test('a domain chosen but not added with "+ Add" is saved, on Create as on Save, as an address left in its box is', async (t) => {
  const dns = await startDns(t);
  const relay = await startRelayDesk(t, { dns });
  await verifyDomain(relay, dns, 'office.example');
  await verifyDomain(relay, dns, 'shop.example');
  const page = await openPage(t, { viewport: LAPTOP });
  await openUsers(page, relay.adminUrl);

  await page.getByRole('button', { name: 'Add new user' }).click();
  const dialog = page.getByRole('dialog');
  const domains = dialog.getByRole('combobox', { name: /Domains authorized as senders/ });
  await domains.click();
  await page.getByRole('option', { name: 'office.example' }).click();
  await dialog.getByLabel('Specific email addresses authorized as senders', { exact: true }).fill('billing@elsewhere.example');
  await domains.scrollIntoViewIfNeeded();
  await screenshotBothSizes(page, 'user-dialog-domain-chosen-not-added');
  await dialog.getByRole('button', { name: 'Create user' }).click();
  const created = dialog.getByRole('heading', { name: /^User s\d+_0 created$/ });
  await created.waitFor();
  const name = ((await created.textContent()) ?? '').replace(/^User (\S+) created$/, '$1');
  const stored = await ok(relay, 'users.get', { name });
  assert.deepEqual(stored.domains, [{ domain: 'office.example', status: 'verified' }], 'the chosen domain was saved');
  assert.deepEqual(stored.addresses.map((a) => a.address), ['billing@elsewhere.example']);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await dialog.waitFor({ state: 'detached' });

  // Editing: the same.
  await page.getByRole('button', { name: `Edit ${name}` }).click();
  await dialog.getByLabel('Authorized domains', { exact: true }).getByText('office.example').waitFor();
  await domains.click();
  await page.getByRole('option', { name: 'shop.example' }).click();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.deepEqual((await ok(relay, 'users.get', { name })).domains.map((d) => d.domain), ['office.example', 'shop.example']);
});
