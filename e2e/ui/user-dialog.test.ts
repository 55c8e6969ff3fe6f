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

test('the Add dialog shows the name the user will get and warns when it has no sender; once created, one button closes it', async (t) => {
  const relay = await startRelayDesk(t);
  const page = await openPage(t, { viewport: LAPTOP });
  await openUsers(page, relay.adminUrl);
  await page.getByRole('button', { name: 'Add new user' }).click();
  const dialog = page.getByRole('dialog');
  const preview = dialog.getByLabel('user name to be created', { exact: true });
  await preview.getByText(/^s\d{6}_0$/).waitFor();
  const previewed = (await preview.textContent()) ?? '';
  await dialog.getByText('— made when you create the user, with a password shown once, right after.').waitFor();
  await screenshotBothSizes(page, 'user-dialog-add-name-preview');

  const warning = dialog.getByRole('note', { name: 'no authorized sender' });
  await warning.getByText('This user has no authorized sender yet, so it cannot send anything, nor can its trusted devices: choose a domain or add an address above.').waitFor();
  await warning.scrollIntoViewIfNeeded();
  await screenshotBothSizes(page, 'user-dialog-no-sender-warning');
  // An address typed (saved even without "+ Add") is a sender: the warning goes, and comes back when it is cleared.
  const addresses = dialog.getByLabel('Specific email addresses authorized as senders', { exact: true });
  await addresses.fill('billing@shop.example');
  await warning.waitFor({ state: 'detached' });
  await addresses.fill('');
  await warning.waitFor();
  await dialog.getByLabel('Trusted device addresses', { exact: true }).fill('192.168.1.20');

  // A warning, not a refusal: the user is made.
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await dialog.getByRole('heading', { name: `User ${previewed} created` }).waitFor();
  assert.equal((await dialog.getByLabel('user name', { exact: true }).textContent()) ?? '', previewed, 'the name shown before is the name made');
  await dialog
    .getByRole('note', { name: 'no authorized sender' })
    .getByText(`${previewed} has no authorized sender, so it cannot send anything, nor can its trusted devices: edit it to choose a domain or add an address.`)
    .waitFor();
  await screenshotBothSizes(page, 'user-dialog-created');
  assert.deepEqual((await ok(relay, 'users.get', { name: previewed })).trustedClients, ['192.168.1.20']);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await dialog.waitFor({ state: 'detached' });

  await page.getByRole('button', { name: 'Add new user' }).click();
  await dialog.getByLabel('user name to be created', { exact: true }).getByText(previewed.replace(/_0$/, '_1')).waitFor();
});

test('once a user is created, the dialog shows its password with one button to close it: nothing is left to save', async (t) => {
  const relay = await startRelayDesk(t);
  const page = await openPage(t, { viewport: LAPTOP });
  await openUsers(page, relay.adminUrl);
  await page.getByRole('button', { name: 'Add new user' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Note', { exact: true }).fill('Scanner');
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await dialog.getByRole('heading', { name: /^User s\d+_0 created$/ }).waitFor();
  await dialog.getByTestId('password').waitFor();
  const actions = await dialog.getByRole('button').allTextContents();
  assert.deepEqual(
    actions.filter((a) => !a.startsWith('Copy') && a !== ''),
    ['Done'],
    `one way out once the user is made, nothing left to save: ${actions.join(', ')}`,
  );
  assert.equal(await dialog.getByRole('button', { name: /^(Save|Cancel|Close|Create user)$/i }).count(), 0);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal((await ok(relay, 'users.list', {})).users[0]?.note, 'Scanner');
});

test('a new user\'s summary says which addresses were mailed a code and which could not be, and why', async (t) => {
  const relay = await startRelayDesk(t);
  const page = await openPage(t, { viewport: LAPTOP });
  await openUsers(page, relay.adminUrl);
  await page.getByRole('button', { name: 'Add new user' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Specific email addresses authorized as senders', { exact: true }).fill('billing@shop.example');
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await dialog.getByRole('heading', { name: /created$/ }).waitFor();
  await dialog
    .getByText(
      'No verification code could be mailed to billing@shop.example: no upstream is set: choose a smarthost or direct delivery under Server first. Send it under Senders once mail can be sent.',
    )
    .waitFor();
  assert.equal(await dialog.getByRole('note', { name: 'no authorized sender' }).count(), 0);
  await screenshotBothSizes(page, 'user-dialog-created-code-not-mailed');
});
