/**
 * The Senders screen in a real browser against a real host: a domain proven
 * through a TXT record a real DNS server (dnsmasq) serves, an address through
 * the code the relay mails to a real upstream (aiosmtpd), where the test reads
 * it as the mailbox's owner would; a removal after a confirmation.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright';
import { ok } from '../fixtures/api.js';
import { openPage, screenshot, settled } from '../fixtures/browser.js';
import { startDns } from '../fixtures/dns.js';
import { verificationCode } from '../fixtures/messages.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';
import { smarthostWithAccount, verifyDomain } from '../fixtures/scenario.js';

const PENDING_ADDRESS = 'Pending — enter the code mailed to it';

async function openSenders(page: Page, adminUrl: string): Promise<void> {
  await page.goto(adminUrl);
  await page.getByRole('tab', { name: 'Senders' }).click();
  await page.getByRole('heading', { name: 'Domains', exact: true }).waitFor();
}

function sender(page: Page, name: string): Locator {
  return page.getByRole('article', { name, exact: true });
}

test('an admin adds a domain, is told exactly why each check fails, and sees it verified with its DKIM record', async (t) => {
  const dns = await startDns(t);
  const relay = await startRelayDesk(t, { dns });
  const page = await openPage(t);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await openSenders(page, relay.adminUrl);
  await page.getByText('No domains yet').waitFor();
  await settled(page);
  await screenshot(page, 'senders-empty');

  // The host's refusal lands under the field, the input kept.
  const field = page.getByLabel('Domain', { exact: true });
  await field.fill('www.company.example');
  await page.getByRole('button', { name: 'Add domain' }).click();
  await page
    .locator('#sender-domain-helper-text')
    .getByText('"www.company.example" is a web server\'s name; enter the domain itself, e.g. company.example.')
    .waitFor();
  assert.equal(await field.inputValue(), 'www.company.example');
  await settled(page);
  await screenshot(page, 'senders-domain-refused');

  // Added with Enter: pending, with the TXT record to publish, copyable.
  await field.fill('company.example');
  await field.press('Enter');
  const domain = sender(page, 'company.example');
  await domain.getByText('Pending — publish the TXT record, then check').waitFor();
  const verification = domain.getByRole('group', { name: 'Verification record' });
  assert.equal(await verification.getByRole('textbox', { name: 'Type', exact: true }).inputValue(), 'TXT');
  assert.equal(await verification.getByRole('textbox', { name: 'Name', exact: true }).inputValue(), '_relay-desk.company.example');
  const expected = await verification.getByRole('textbox', { name: 'Value', exact: true }).inputValue();
  const [stored] = (await ok(relay, 'senders.list', {})).domains;
  assert.equal(expected, stored?.records[0]?.value);
  assert.match(expected, /^relay-desk-verification=[A-Za-z0-9_-]{32}$/);
  assert.equal(await field.inputValue(), '', 'the field is cleared once the domain is added');
  await verification.getByRole('button', { name: 'Copy Verification record value' }).click();
  await page.getByRole('tooltip').getByText('Copied', { exact: true }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), expected);
  await settled(page);
  await screenshot(page, 'senders-domain-added');

  const lastCheck = domain.getByRole('status', { name: 'last check' });
  // Each check's finding differs from the one before, so waiting for it waits for the check.
  const checkNow = () => domain.getByRole('button', { name: 'Check now' }).click();

  // Checked before publishing: not found, and what to do.
  await checkNow();
  await lastCheck.getByText('No TXT record _relay-desk.company.example was found. Publish it at your DNS provider', { exact: false }).waitFor();
  await settled(page);
  await screenshot(page, 'senders-domain-not-found');

  // A wrong value: what DNS holds, and what was expected.
  await dns.setTxtRecords({ '_relay-desk.company.example': ['relay-desk-verification=old-token'] });
  await checkNow();
  await lastCheck
    .getByText(`The TXT record _relay-desk.company.example holds "relay-desk-verification=old-token", not the expected ${expected}.`, { exact: false })
    .waitFor();
  await domain.getByText('Pending — publish the TXT record, then check').waitFor();
  await settled(page);
  await screenshot(page, 'senders-domain-wrong-value');

  // The right value: verified, with its date, and the DKIM record to publish.
  await dns.setTxtRecords({ '_relay-desk.company.example': [expected] });
  await checkNow();
  await domain.getByText('Verified', { exact: true }).waitFor();
  await domain.getByText(/Verified \d{4}-\d\d-\d\d \d\d:\d\d through its DNS TXT record/).waitFor();
  await lastCheck.getByText('company.example is verified', { exact: false }).waitFor();
  const dkim = domain.getByRole('group', { name: 'DKIM record' });
  assert.equal(await dkim.getByRole('textbox', { name: 'Name', exact: true }).inputValue(), 'relaydesk._domainkey.company.example');
  assert.match(await dkim.getByRole('textbox', { name: 'Value', exact: true }).inputValue(), /^v=DKIM1; k=rsa; p=[A-Za-z0-9+/]+={0,2}$/);
  await dkim.getByRole('button', { name: 'Copy DKIM record value', exact: true }).waitFor();
  // A 2048-bit key does not fit one TXT string: the split form for panels that want quoted parts.
  const value = await dkim.getByRole('textbox', { name: 'Value', exact: true }).inputValue();
  const parts = (await dkim.getByRole('textbox', { name: 'Value in quoted parts', exact: true }).inputValue()).match(/"[^"]*"/g) ?? [];
  assert.equal(parts.length, Math.ceil(value.length / 255));
  assert.ok(parts.every((p) => p.length - 2 <= 255));
  assert.equal(parts.map((p) => p.slice(1, -1)).join(''), value);
  await dkim.getByRole('button', { name: 'Copy DKIM record value in quoted parts' }).waitFor();
  assert.equal((await ok(relay, 'senders.list', {})).domains[0]?.status, 'verified');
  await settled(page);
  await screenshot(page, 'senders-domain-verified');

  // A second signature, Ed25519, with what it means for receivers and its own record under the switch.
  const ed25519 = domain.getByRole('switch', { name: 'Also sign with Ed25519' });
  assert.equal(await ed25519.isChecked(), false);
  await domain.getByText('the others ignore it, so turning it on never makes mail fail', { exact: false }).waitFor();
  // The switch follows the host's answer, not the click: clicked, then waited on.
  await ed25519.click();
  const edRecord = domain.getByRole('group', { name: 'DKIM record (Ed25519)' });
  assert.equal(await edRecord.getByRole('textbox', { name: 'Name', exact: true }).inputValue(), 'relaydesk-ed25519._domainkey.company.example');
  assert.match(await edRecord.getByRole('textbox', { name: 'Value', exact: true }).inputValue(), /^v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=$/);
  assert.equal((await ok(relay, 'senders.list', {})).domains[0]?.ed25519, true);
  await settled(page);
  await screenshot(page, 'senders-domain-ed25519');
  assert.equal(await ed25519.isChecked(), true);
  await ed25519.click();
  await edRecord.waitFor({ state: 'detached' });
  assert.equal(await ed25519.isChecked(), false);
  assert.equal((await ok(relay, 'senders.list', {})).domains[0]?.ed25519, false);
});

test('an admin adds an address, enters the mailed code, and sees which users wait for a pending one', async (t) => {
  const relay = await startRelayDesk(t);
  const upstream = await smarthostWithAccount(t, relay);
  // A user's new address starts its verification at once.
  const { user } = await ok(relay, 'users.create', { note: 'Billing app', addresses: 'billing@company.example' });
  const page = await openPage(t);
  await openSenders(page, relay.adminUrl);

  const billing = sender(page, 'billing@company.example');
  await billing.getByText(PENDING_ADDRESS).waitFor();
  await billing.getByText(`Authorized for ${user.name} (Billing app), who cannot send from it until it is verified.`).waitFor();
  await settled(page);
  await screenshot(page, 'senders-address-user-pending');

  await page.getByLabel('Email address', { exact: true }).fill('info@company.example');
  await page.getByRole('button', { name: 'Add address' }).click();
  const info = sender(page, 'info@company.example');
  await info.getByText(PENDING_ADDRESS).waitFor();
  await info.getByText(/^Code sent \d{4}-\d\d-\d\d \d\d:\d\d to info@company\.example; it is valid for 24 hours\.$/).waitFor();
  await info.getByText('No SMTP user is authorized for it yet', { exact: false }).waitFor();
  await settled(page);
  await screenshot(page, 'senders-address-code-sent');

  const code = verificationCode((await upstream.waitForMessages(2)).find((m) => m.rcptTos.includes('info@company.example')));
  const codeField = info.getByLabel('Code from the mail');
  await codeField.fill(code === '000000' ? '000001' : '000000');
  await info.getByRole('button', { name: 'Verify' }).click();
  await info.getByText('That is not the code sent to info@company.example. 4 tries left.').waitFor();
  assert.equal(await codeField.getAttribute('aria-invalid'), 'true');
  await settled(page);
  await screenshot(page, 'senders-address-wrong-code');

  await codeField.fill(code);
  await codeField.press('Enter');
  await info.getByText('Verified', { exact: true }).waitFor();
  await info.getByText(/Verified \d{4}-\d\d-\d\d \d\d:\d\d with a mailed code/).waitFor();
  await codeField.waitFor({ state: 'detached' });
  await billing.getByText(PENDING_ADDRESS).waitFor();
  const listed = (await ok(relay, 'senders.list', {})).addresses.map((a) => [a.address, a.status]);
  assert.deepEqual(listed, [['billing@company.example', 'pending'], ['info@company.example', 'verified']]);
  await settled(page);
  await screenshot(page, 'senders-address-verified');

  // The pending one's code is sent again.
  await billing.getByRole('button', { name: 'Resend code' }).click();
  const messages = await upstream.waitForMessages(3);
  assert.deepEqual(messages.filter((m) => m.rcptTos.includes('billing@company.example')).length, 2);
  await billing.getByRole('button', { name: 'Resend code' }).and(page.locator(':enabled')).waitFor();
});

test('an admin removes a domain after a confirmation that says what it does (dark mode)', async (t) => {
  const dns = await startDns(t);
  const relay = await startRelayDesk(t, { dns });
  await verifyDomain(relay, dns, 'office.example');
  const { user } = await ok(relay, 'users.create', { domains: 'office.example' });
  const page = await openPage(t, { colorScheme: 'dark' });
  await openSenders(page, relay.adminUrl);
  const domain = sender(page, 'office.example');
  await domain.getByText('Verified', { exact: true }).waitFor();
  await domain.getByText(`Authorized for ${user.name}.`).waitFor();
  await settled(page);
  await screenshot(page, 'senders-dark-verified-domain');

  // Cancel keeps it.
  await domain.getByRole('button', { name: 'Remove office.example' }).click();
  const confirm = page.getByRole('dialog', { name: 'Remove office.example?' });
  await confirm.getByText('is taken off every SMTP user authorized for it', { exact: false }).waitFor();
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await confirm.waitFor({ state: 'detached' });
  assert.equal((await ok(relay, 'senders.list', {})).domains.length, 1);

  await domain.getByRole('button', { name: 'Remove office.example' }).click();
  await confirm.getByRole('button', { name: 'Remove domain' }).waitFor();
  await settled(page);
  await screenshot(page, 'senders-dark-remove-confirm');
  await confirm.getByRole('button', { name: 'Remove domain' }).click();
  await confirm.waitFor({ state: 'detached' });
  await domain.waitFor({ state: 'detached' });
  await page.getByText('No domains yet').waitFor();
  assert.deepEqual((await ok(relay, 'senders.list', {})).domains, []);
  assert.deepEqual((await ok(relay, 'users.get', { name: user.name })).domains, []);
  await settled(page);
  await screenshot(page, 'senders-dark-removed');
});
