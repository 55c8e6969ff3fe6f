/**
 * The Senders screen says which address verification codes are mailed from,
 * lets the admin choose another among the senders Relay Desk knows are
 * theirs, and says why none can be mailed when none can. The code mail that
 * a real upstream (aiosmtpd) receives comes from the chosen address.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright';
import { ok } from '../fixtures/api.js';
import { openPage } from '../fixtures/browser.js';
import { startDns } from '../fixtures/dns.js';
import { headerValues } from '../fixtures/messages.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';
import { SMARTHOST_ACCOUNT, smarthostWithAccount, verifyDomain } from '../fixtures/scenario.js';
import { LAPTOP, screenshotBothSizes } from '../fixtures/screen-sizes.js';

async function openSenders(page: Page, adminUrl: string): Promise<void> {
  await page.goto(adminUrl);
  await page.getByRole('tab', { name: 'Senders' }).click();
  await page.getByRole('heading', { name: 'Addresses', exact: true }).waitFor();
}

test('the admin sees where codes are mailed from, chooses a verified address, and the code mail comes from it', async (t) => {
  const dns = await startDns(t);
  const relay = await startRelayDesk(t, { dns });
  const upstream = await smarthostWithAccount(t, relay);
  await verifyDomain(relay, dns, 'office.example');
  const page = await openPage(t, { viewport: LAPTOP });
  await openSenders(page, relay.adminUrl);
  const line = page.getByRole('group', { name: 'Where codes are mailed from' });
  await line.getByText(`Codes are mailed from ${SMARTHOST_ACCOUNT.user} (the smarthost account's address).`).waitFor();
  await line.scrollIntoViewIfNeeded();
  await screenshotBothSizes(page, 'code-from-default');

  await line.getByRole('button', { name: 'Change the address codes are mailed from' }).click();
  const field = line.getByLabel('Mail codes from');
  await field.fill('it@elsewhere.example');
  await line.getByRole('button', { name: 'Save' }).click();
  await line
    .locator('#code-from-helper-text')
    .getByText(`it@elsewhere.example is not a verified sender: verify it (or its domain) under Senders first, or choose the smarthost account ${SMARTHOST_ACCOUNT.user}.`)
    .waitFor();
  assert.equal(await field.inputValue(), 'it@elsewhere.example');
  await screenshotBothSizes(page, 'code-from-refused');
  await field.fill('it@office.example');
  await field.press('Enter');
  await line.getByText('Codes are mailed from it@office.example (chosen by you).').waitFor();
  assert.equal((await ok(relay, 'senders.list', {})).codeFrom.chosen, 'it@office.example');

  await page.getByLabel('Email address', { exact: true }).fill('billing@shop.example');
  await page.getByRole('button', { name: 'Add address' }).click();
  await page.getByRole('article', { name: 'billing@shop.example' }).getByText('Pending — enter the code mailed to it').waitFor();
  const [mail] = await upstream.waitForMessages(1);
  assert.equal(mail?.mailFrom, 'it@office.example');
  assert.deepEqual(headerValues(mail.raw, 'From'), ['Relay Desk <it@office.example>']);
  await line.scrollIntoViewIfNeeded();
  await screenshotBothSizes(page, 'code-from-chosen');

  await line.getByRole('button', { name: 'Change the address codes are mailed from' }).click();
  await line.getByRole('button', { name: 'Use the default' }).click();
  await line.getByText(`Codes are mailed from ${SMARTHOST_ACCOUNT.user} (the smarthost account's address).`).waitFor();
  assert.equal((await ok(relay, 'senders.list', {})).codeFrom.chosen, null);
});

test('without an upstream the Senders screen says no code can be mailed, and why', async (t) => {
  const relay = await startRelayDesk(t);
  const page = await openPage(t, { viewport: LAPTOP });
  await openSenders(page, relay.adminUrl);
  const line = page.getByRole('group', { name: 'Where codes are mailed from' });
  await line.getByText('No code can be mailed. No upstream is set: choose a smarthost or direct delivery under Server first.').waitFor();
  assert.equal(await line.getByRole('button', { name: /Change/ }).count(), 0, 'no address would help: the upstream is set under Server');
  await screenshotBothSizes(page, 'code-from-no-upstream');
});
