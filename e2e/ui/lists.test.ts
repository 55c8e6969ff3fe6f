/**
 * Lists renamed and deleted where the list is chosen, in a real browser
 * against a real host: a list's users and history move with it, a list with users is
 * not deleted and the dialog says what to do, names differing only in case
 * are refused with the host's words.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ok } from '../fixtures/api.js';
import { openPage } from '../fixtures/browser.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';
import { LAPTOP, screenshotBothSizes } from '../fixtures/screen-sizes.js';

test('an admin renames a list with its users, is told why a list with users cannot be deleted, and deletes an empty one', async (t) => {
  const relay = await startRelayDesk(t);
  await ok(relay, 'lists.create', { name: 'Scanners' });
  await ok(relay, 'lists.create', { name: 'Old office' });
  await ok(relay, 'users.create', { list: 'Scanners', note: 'Front desk scanner' });
  await ok(relay, 'users.create', { list: 'Scanners', note: 'Back office scanner' });
  const page = await openPage(t, { viewport: LAPTOP });
  await page.goto(relay.adminUrl);
  await page.getByRole('tab', { name: 'Users' }).click();
  const grid = page.getByRole('grid', { name: 'SMTP users' });
  const chooser = page.getByRole('combobox', { name: /^List/ });
  const choose = async (name: string) => {
    await chooser.click();
    await page.getByRole('option', { name, exact: true }).click();
  };
  await grid.getByText('Front desk scanner').waitFor();
  assert.equal(await page.getByRole('button', { name: /^Rename the list/ }).count(), 0, '"All lists" is no list to rename');

  await choose('Scanners');
  await page.getByRole('button', { name: 'Delete the list Scanners' }).click();
  const blocked = page.getByRole('dialog', { name: '"Scanners" cannot be deleted yet' });
  await blocked.getByText('"Scanners" has 2 users: move or delete its 2 users first (a user\'s list is in its settings, under Users).').waitFor();
  await screenshotBothSizes(page, 'lists-delete-with-users');
  await blocked.getByRole('button', { name: 'Close' }).click();
  await blocked.waitFor({ state: 'detached' });

  await page.getByRole('button', { name: 'Rename the list Scanners' }).click();
  const rename = page.getByRole('dialog', { name: 'Rename the list "Scanners"' });
  await rename.getByText('Its 2 users, its message history and its statistics go with it.').waitFor();
  const field = rename.getByLabel('New name');
  assert.equal(await field.inputValue(), 'Scanners');
  await field.fill('smtp+');
  await rename.getByRole('button', { name: 'Rename list' }).click();
  await rename.getByText('A list named "SMTP+" exists already: choose it, or pick another name.').waitFor();
  await screenshotBothSizes(page, 'lists-rename-refused');
  await field.fill('Devices');
  await rename.getByRole('button', { name: 'Rename list' }).click();
  await rename.waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Rename the list Devices' }).waitFor();
  assert.equal(await chooser.textContent(), 'Devices');
  await grid.getByText('Back office scanner').waitFor();
  await grid.getByText('Front desk scanner').waitFor();
  await screenshotBothSizes(page, 'lists-renamed');
  assert.deepEqual(
    (await ok(relay, 'lists.list', {})).lists.map((l) => [l.name, l.users]),
    [['SMTP+', 0], ['Devices', 2], ['Old office', 0]],
  );

  await choose('Old office');
  await page.getByRole('button', { name: 'Delete the list Old office' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete the list "Old office"?' });
  await confirm.getByText('has no users', { exact: false }).waitFor();
  await screenshotBothSizes(page, 'lists-delete-confirm');
  await confirm.getByRole('button', { name: 'Delete list' }).click();
  await confirm.waitFor({ state: 'detached' });
  await page.getByRole('button', { name: /^Delete the list/ }).waitFor({ state: 'detached' });
  assert.equal(await chooser.textContent(), 'All lists');
  assert.deepEqual((await ok(relay, 'lists.list', {})).lists.map((l) => l.name), ['SMTP+', 'Devices']);
  await chooser.click();
  assert.equal(await page.getByRole('option', { name: 'Old office' }).count(), 0);
});
