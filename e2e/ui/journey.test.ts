/**
 * The whole path an office admin takes, in the browser, against the real host,
 * relay, keychain, DNS (dnsmasq) and upstream (aiosmtpd): a new list, a domain
 * verified through DNS, a user authorized for it whose password is read from
 * the dialog, mail sent with swaks arriving upstream with the user's priority;
 * then the user deactivated in the UI, and swaks refused.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openPage, screenshot, settled } from '../fixtures/browser.js';
import { startDns } from '../fixtures/dns.js';
import { headerValues } from '../fixtures/messages.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';
import { swaks } from '../fixtures/smtp-clients.js';
import { startUpstream } from '../fixtures/upstream.js';

test('journey: list → domain verified through DNS → user → swaks delivers with its priority → deactivated → swaks refused', async (t) => {
  const dns = await startDns(t);
  const upstream = await startUpstream(t);
  const relay = await startRelayDesk(t, { dns, upstream });
  const page = await openPage(t);
  await page.goto(relay.adminUrl);

  // A new list, chosen at the top of the Users screen.
  await page.getByRole('tab', { name: 'Users' }).click();
  await page.getByRole('combobox', { name: /^List/ }).click();
  await page.getByRole('option', { name: 'New list…' }).click();
  const newList = page.getByRole('dialog', { name: 'New list' });
  await newList.getByLabel('List name').fill('Branch office');
  await newList.getByRole('button', { name: 'Create list' }).click();
  await newList.waitFor({ state: 'detached' });
  await page.getByRole('combobox', { name: /^List/ }).getByText('Branch office').waitFor();
  await page.getByRole('heading', { name: 'SMTP users in Branch office' }).waitFor();

  // The domain: the record the screen shows is published in DNS, then checked.
  await page.getByRole('tab', { name: 'Senders' }).click();
  await page.getByLabel('Domain', { exact: true }).fill('branch.example');
  await page.getByRole('button', { name: 'Add domain' }).click();
  const domain = page.getByRole('article', { name: 'branch.example', exact: true });
  const record = domain.getByRole('group', { name: 'Verification record' });
  const name = await record.getByRole('textbox', { name: 'Name', exact: true }).inputValue();
  const value = await record.getByRole('textbox', { name: 'Value', exact: true }).inputValue();
  await dns.setTxtRecords({ [name]: [value] });
  await domain.getByRole('button', { name: 'Check now' }).click();
  await domain.getByText('Verified', { exact: true }).waitFor();
  await settled(page);
  await screenshot(page, 'journey-domain-verified');

  // The user, in the chosen list, authorized for the domain, with the highest priority.
  await page.getByRole('tab', { name: 'Users' }).click();
  await page.getByRole('button', { name: 'Add new user' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('heading', { name: 'Add new SMTP user' }).waitFor();
  assert.equal(await dialog.getByLabel('List', { exact: true }).inputValue(), 'Branch office');
  await dialog.getByLabel('Note', { exact: true }).fill('Branch scanner');
  await dialog.getByRole('combobox', { name: 'Priority' }).click();
  await page.getByRole('option', { name: '1 - Highest' }).click();
  await dialog.getByRole('combobox', { name: /Domains authorized as senders/ }).click();
  await page.getByRole('option', { name: 'branch.example' }).click();
  await dialog.getByRole('button', { name: 'Add domain' }).click();
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await dialog.getByRole('heading', { name: /created$/ }).waitFor();
  const user = (await dialog.getByLabel('user name', { exact: true }).textContent()) ?? '';
  const password = (await dialog.getByTestId('password').textContent()) ?? '';
  assert.match(user, /^s\d+_0$/);
  await settled(page);
  await screenshot(page, 'journey-user-created');
  await dialog.getByRole('button', { name: 'Done' }).click();
  await dialog.waitFor({ state: 'detached' });
  const row = page.getByRole('grid', { name: 'SMTP users' }).getByRole('row').filter({ hasText: user });
  await row.getByText('1 - Highest').waitFor();

  // Mail from the branch, as its scanner would send it.
  const send = () =>
    swaks(relay.smtpPort, [
      '--tls',
      '--auth',
      'PLAIN',
      '--auth-user',
      user,
      '--auth-password',
      password,
      '--from',
      'scanner@branch.example',
      '--to',
      'accounts@partner.example',
      '--header',
      'Subject: Scan 0042',
    ]);
  const sent = await send();
  assert.equal(sent.code, 0, sent.output);
  const [arrived] = await upstream.waitForMessages(1);
  assert.ok(arrived);
  assert.deepEqual(arrived.rcptTos, ['accounts@partner.example']);
  assert.deepEqual(headerValues(arrived.raw, 'Subject'), ['Scan 0042']);
  assert.deepEqual(headerValues(arrived.raw, 'X-Priority'), ['1 (Highest)']);
  assert.deepEqual(headerValues(arrived.raw, 'Importance'), ['high']);

  // Deactivated in the UI: the relay refuses the same login at once.
  await row.getByRole('button', { name: `Edit ${user}` }).click();
  await dialog.getByRole('checkbox', { name: 'Active user' }).uncheck();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
  await row.getByText('Inactive', { exact: true }).waitFor();
  await settled(page);
  await screenshot(page, 'journey-user-deactivated');
  const refused = await send();
  assert.notEqual(refused.code, 0);
  assert.match(refused.output, /<~\* 535 5\.7\.8 SMTP user s\d+_0 is not active; the administrator can activate it in Relay Desk/);
  assert.equal((await upstream.received()).length, 1, 'nothing more reached the upstream');
});
