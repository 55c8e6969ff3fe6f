/**
 * The Users screen in a real browser against a real host: an admin adds an
 * SMTP user (the password shown once), edits it, is told to use ";" by the
 * host when a comma slips in, resets the password and deletes the user.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright';
import { ok } from '../fixtures/api.js';
import { openPage, screenshot, settled } from '../fixtures/browser.js';
import { startDns } from '../fixtures/dns.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';
import { verifyDomain } from '../fixtures/scenario.js';

async function openUsers(page: Page, adminUrl: string): Promise<void> {
  await page.goto(adminUrl);
  await page.getByRole('tab', { name: 'Users' }).click();
  await page.getByRole('heading', { name: 'SMTP users' }).waitFor();
}

test('an admin adds, edits, resets and deletes an SMTP user on the Users screen', async (t) => {
  const dns = await startDns(t);
  const relay = await startRelayDesk(t, { dns });
  await verifyDomain(relay, dns, 'office.example');
  const page = await openPage(t);
  await openUsers(page, relay.adminUrl);
  const settings = page.getByRole('region', { name: 'Outgoing mail server settings' });
  await settings.getByText(String(relay.smtpPort), { exact: true }).waitFor();
  await settings.getByRole('button', { name: `Copy port ${relay.smtpPort}` }).waitFor();
  await page.getByText('No SMTP users yet').waitFor();
  await settled(page);
  await screenshot(page, 'users-empty');

  // Add: the password is shown once, with a copy button.
  await page.getByRole('button', { name: 'Add new user' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('heading', { name: 'Add new SMTP user' }).waitFor();
  await dialog.getByLabel('Note', { exact: true }).fill('Front desk printer');
  await dialog.getByRole('combobox', { name: /Domains authorized as senders/ }).click();
  await page.getByRole('option', { name: 'office.example' }).click();
  await dialog.getByRole('button', { name: 'Add domain' }).click();
  await dialog.getByLabel('Authorized domains', { exact: true }).getByText('office.example').waitFor();
  await settled(page);
  await screenshot(page, 'users-add-dialog');
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await dialog.getByRole('heading', { name: /^User s\d+_0 created$/ }).waitFor();
  const name = (await dialog.getByLabel('user name', { exact: true }).textContent()) ?? '';
  assert.match(name, /^s\d+_0$/);
  const password = (await dialog.getByTestId('password').textContent()) ?? '';
  assert.ok(password.length >= 10, password);
  await dialog.getByText('you will not see it again').waitFor();
  await dialog.getByRole('button', { name: 'Copy password' }).click();
  await page.getByRole('tooltip').getByText(/^(Copied|Could not copy: select the text and copy it by hand)$/).waitFor();
  await settled(page);
  await screenshot(page, 'users-created-password');
  await dialog.getByRole('button', { name: 'Done' }).click();
  await dialog.waitFor({ state: 'detached' });

  const grid = page.getByRole('grid', { name: 'SMTP users' });
  const row = grid.getByRole('row').filter({ hasText: name });
  await row.getByText('Front desk printer').waitFor();
  for (const text of ['Active', 'Smtp+', '3 - Normal']) await row.getByText(text, { exact: true }).waitFor();
  const stored = await ok(relay, 'users.get', { name });
  assert.deepEqual(stored.domains, [{ domain: 'office.example', status: 'verified' }]);
  await settled(page);
  await screenshot(page, 'users-table-one-user');

  // Edit priority and note: the table follows.
  await row.getByRole('button', { name: `Edit ${name}` }).click();
  await dialog.getByRole('heading', { name: `Edit SMTP user ${name}` }).waitFor();
  assert.equal(await dialog.getByTestId('password').count(), 0, 'the password is never shown again');
  await dialog.getByRole('combobox', { name: /Priority/ }).click();
  await page.getByRole('option', { name: '1 - Highest' }).click();
  await dialog.getByLabel('Note', { exact: true }).fill('Reception printer');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
  await row.getByText('Reception printer').waitFor();
  await row.getByText('1 - Highest', { exact: true }).waitFor();
  await settled(page);
  await screenshot(page, 'users-table-edited');

  // A comma: the host's "use ;" message under the field, the input kept, nothing saved.
  await row.getByRole('button', { name: `Edit ${name}` }).click();
  const addresses = dialog.getByLabel('Specific email addresses authorized as senders', { exact: true });
  const typed = 'info@office.example, sales@office.example';
  await addresses.fill(typed);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.locator('#user-addresses-helper-text').getByText('Separate the entries with ";" (semicolon), not "," (comma).').waitFor();
  assert.equal(await addresses.inputValue(), typed);
  assert.equal(await dialog.getByLabel('Note', { exact: true }).inputValue(), 'Reception printer');
  assert.deepEqual((await ok(relay, 'users.get', { name })).addresses, []);
  await settled(page);
  await screenshot(page, 'users-edit-comma-refused');
  await addresses.fill('info@office.example;sales@office.example');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.deepEqual(
    (await ok(relay, 'users.get', { name })).addresses.map((a) => a.address),
    ['info@office.example', 'sales@office.example'],
  );

  // Reset password: asked first, then the new one is shown once.
  await row.getByRole('button', { name: `Edit ${name}` }).click();
  await dialog.getByRole('heading', { name: `Edit SMTP user ${name}` }).waitFor();
  // Addresses at the verified domain office.example need no code.
  await dialog.getByText('info@office.example (covered by the verified domain office.example)').waitFor();
  await dialog.getByRole('button', { name: 'Reset password' }).click();
  const confirm = page.getByRole('dialog', { name: 'Reset password?' });
  await confirm.getByText(name).waitFor();
  await settled(page);
  await screenshot(page, 'users-reset-confirm');
  await confirm.getByRole('button', { name: 'Reset password' }).click();
  await confirm.waitFor({ state: 'detached' });
  const newPassword = (await page.getByTestId('password').textContent()) ?? '';
  assert.ok(newPassword.length >= 10);
  assert.notEqual(newPassword, password);
  await settled(page);
  await screenshot(page, 'users-reset-new-password');
  await page.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('dialog').waitFor({ state: 'detached' });

  // Delete, after a confirmation that names the user.
  await row.getByRole('button', { name: `Delete ${name}` }).click();
  const confirmDelete = page.getByRole('dialog', { name: `Delete ${name}?` });
  await confirmDelete.getByText('Reception printer', { exact: false }).waitFor();
  await settled(page);
  await screenshot(page, 'users-delete-confirm');
  await confirmDelete.getByRole('button', { name: 'Delete user' }).click();
  await confirmDelete.waitFor({ state: 'detached' });
  await row.waitFor({ state: 'detached' });
  await page.getByText('No SMTP users yet').waitFor();
  assert.deepEqual((await ok(relay, 'users.list', {})).users, []);
});

test('the Users screen in dark mode: the grid search, and the users of one list', async (t) => {
  const relay = await startRelayDesk(t);
  await ok(relay, 'users.create', { note: 'Scanner, 2nd floor', priority: 2 });
  await ok(relay, 'users.create', { list: 'Invoices', note: 'ERP invoices', active: false, priority: 5 });
  const page = await openPage(t, { colorScheme: 'dark' });
  await openUsers(page, relay.adminUrl);
  const grid = page.getByRole('grid', { name: 'SMTP users' });
  await grid.getByText('Scanner, 2nd floor').waitFor();
  await grid.getByText('ERP invoices').waitFor();
  await grid.getByText('Inactive', { exact: true }).waitFor();
  await settled(page);
  await screenshot(page, 'users-dark-all-lists');
  // The grid's own search narrows the rows; clearing it brings them back.
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('searchbox').or(page.getByPlaceholder('Search…')).fill('scanner');
  await grid.getByText('ERP invoices').waitFor({ state: 'detached' });
  await grid.getByText('Scanner, 2nd floor').waitFor();
  await page.getByRole('button', { name: 'Clear' }).click();
  await grid.getByText('ERP invoices').waitFor();
  // A list that exists already: the host's words beside the name, and nothing made.
  await page.getByRole('combobox', { name: /^List/ }).click();
  await page.getByRole('option', { name: 'New list…' }).click();
  const newList = page.getByRole('dialog', { name: 'New list' });
  await newList.getByLabel('List name').fill('Invoices');
  await newList.getByRole('button', { name: 'Create list' }).click();
  await newList.getByText('A list named "Invoices" exists already: choose it, or pick another name.').waitFor();
  assert.equal(await newList.getByLabel('List name').inputValue(), 'Invoices');
  await settled(page);
  await screenshot(page, 'users-dark-list-exists');
  await newList.getByRole('button', { name: 'Cancel' }).click();
  await newList.waitFor({ state: 'detached' });
  assert.equal((await ok(relay, 'lists.list', {})).lists.length, 2);
  await page.getByRole('combobox', { name: /^List/ }).click();
  await page.getByRole('option', { name: 'Invoices' }).click();
  await grid.getByText('Scanner, 2nd floor').waitFor({ state: 'detached' });
  await grid.getByText('ERP invoices').waitFor();
  await settled(page);
  await screenshot(page, 'users-dark-one-list');
});

test('without a usable clipboard the copy buttons say so instead of "Copied"', async (t) => {
  const relay = await startRelayDesk(t);
  const page = await openPage(t);
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined });
    Object.defineProperty(Document.prototype, 'execCommand', { value: () => false });
  });
  await openUsers(page, relay.adminUrl);
  await page.getByRole('button', { name: `Copy port ${relay.smtpPort}` }).click();
  await page.getByRole('tooltip').getByText('Could not copy: select the text and copy it by hand').waitFor();
  assert.equal(await page.getByText('Copied', { exact: true }).count(), 0);
  await settled(page);
  await screenshot(page, 'users-copy-unavailable');
});

test('a search or filter that matches no one says so, with a way to clear it; a list without users says it has none', async (t) => {
  const relay = await startRelayDesk(t);
  await ok(relay, 'users.create', { note: 'Scanner, 2nd floor' });
  await ok(relay, 'users.create', { list: 'Invoices', note: 'ERP invoices', active: false });
  const page = await openPage(t);
  await openUsers(page, relay.adminUrl);
  const grid = page.getByRole('grid', { name: 'SMTP users' });
  await grid.getByText('Scanner, 2nd floor').waitFor();

  // A search that matches no one: said so, not "no users yet", with a way back.
  const search = page.getByRole('searchbox').or(page.getByPlaceholder('Search…'));
  await page.getByRole('button', { name: 'Search' }).click();
  await search.fill('plotter');
  await grid.getByText('No user matches "plotter".').waitFor();
  assert.equal(await page.getByText('No SMTP users yet').count(), 0);
  await settled(page);
  await screenshot(page, 'users-search-no-match');
  await grid.getByRole('button', { name: 'Clear the search' }).click();
  await grid.getByText('Scanner, 2nd floor').waitFor();
  await grid.getByText('ERP invoices').waitFor();
  assert.equal(await search.inputValue(), '', 'the search box is emptied too');

  // The status filter, from the grid's own filter panel, with a search: both named, both cleared.
  await page.getByRole('button', { name: 'Filters' }).click();
  const panel = page.getByRole('tooltip').or(page.locator('.MuiDataGrid-panel'));
  await panel.getByRole('combobox', { name: 'Value' }).click();
  await page.getByRole('option', { name: 'Inactive', exact: true }).click();
  await grid.getByText('Scanner, 2nd floor').waitFor({ state: 'detached' });
  await page.keyboard.press('Escape');
  await search.fill('scanner');
  await grid.getByText('No inactive user matches "scanner".').waitFor();
  await settled(page);
  await screenshot(page, 'users-filter-and-search-no-match');
  await grid.getByRole('button', { name: 'Clear the search and filter' }).click();
  await grid.getByText('Scanner, 2nd floor').waitFor();
  await grid.getByText('ERP invoices').waitFor();

  // A list with no users yet: its own words, with the list named.
  await page.getByRole('combobox', { name: /^List/ }).click();
  await page.getByRole('option', { name: 'New list…' }).click();
  const newList = page.getByRole('dialog', { name: 'New list' });
  await newList.getByLabel('List name').fill('Warehouse');
  await newList.getByRole('button', { name: 'Create list' }).click();
  await newList.waitFor({ state: 'detached' });
  await page.getByRole('combobox', { name: /^List/ }).filter({ hasText: 'Warehouse' }).waitFor();
  await grid.getByText('No SMTP users in Warehouse yet: add one so a mail client can log in.').waitFor();
  await settled(page);
  await screenshot(page, 'users-empty-list');
});

for (const viewport of [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
]) {
  test(`the users grid at ${viewport.width}×${viewport.height}: whole column headers, one "SMTP users" title, the List column with all lists`, async (t) => {
    const relay = await startRelayDesk(t);
    await ok(relay, 'users.create', { note: 'Scanner, 2nd floor', priority: 2 });
    await ok(relay, 'users.create', { list: 'Invoices', note: 'ERP invoices for the accounting department', active: false, priority: 5 });
    const page = await openPage(t, { viewport });
    await openUsers(page, relay.adminUrl);
    const grid = page.getByRole('grid', { name: 'SMTP users' });
    await grid.getByText('ERP invoices for the accounting department').waitFor();
    assert.equal(await page.getByText('SMTP users', { exact: true }).count(), 1, 'the title is shown once');

    // All lists: a List column says which list each user is in.
    const headers = grid.getByRole('columnheader');
    assert.deepEqual(await headers.allTextContents(), ['Status', 'User name', 'Note', 'List', 'Type', 'Priority', 'Last updated', 'Action']);
    await grid.getByRole('row').filter({ hasText: 'ERP invoices' }).getByRole('gridcell', { name: 'Invoices', exact: true }).waitFor();
    await grid.getByRole('row').filter({ hasText: 'Scanner' }).getByRole('gridcell', { name: 'SMTP+', exact: true }).waitFor();
    // Whole words in every header, also while the pointer is on it (its sort arrow and menu button then show), and in the user name and date cells.
    const cut: string[] = [];
    for (const header of await headers.all()) {
      await header.hover();
      const title = header.locator('.MuiDataGrid-columnHeaderTitle');
      if (await title.evaluate((e) => e.scrollWidth > e.clientWidth)) cut.push((await title.textContent()) ?? '');
    }
    for (const cell of await grid.locator('[role="gridcell"][data-field="name"], [role="gridcell"][data-field="updatedAt"]').all()) {
      if (await cell.evaluate((e) => e.scrollWidth > e.clientWidth)) cut.push((await cell.textContent()) ?? '');
    }
    // A wide screen is used for the grid: a note of a few words is shown whole.
    if (viewport.width >= 1920) {
      const note = grid.getByRole('gridcell', { name: 'ERP invoices for the accounting department' });
      if (await note.evaluate((e) => e.scrollWidth > e.clientWidth)) cut.push('ERP invoices for the accounting department');
    }
    assert.deepEqual(cut, [], 'cut off');
    await page.mouse.move(0, 0);
    await settled(page);
    await screenshot(page, `users-grid-all-lists-${viewport.width}x${viewport.height}`);

    // One list chosen: its name is in the title, and the column would repeat it.
    await page.getByRole('combobox', { name: /^List/ }).click();
    await page.getByRole('option', { name: 'Invoices' }).click();
    await grid.getByText('Scanner, 2nd floor').waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: 'SMTP users in Invoices' }).waitFor();
    assert.deepEqual(await headers.allTextContents(), ['Status', 'User name', 'Note', 'Type', 'Priority', 'Last updated', 'Action']);
    await settled(page);
    await screenshot(page, `users-grid-one-list-${viewport.width}x${viewport.height}`);
  });
}
