/**
 * An address at a verified domain, as the admin sees it: on the Senders
 * screen and in the user's dialog it is covered by the domain and needs no
 * code; removing the domain says which addresses then need their own code,
 * and afterwards they show as pending with no code sent.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ok } from '../fixtures/api.js';
import { openPage } from '../fixtures/browser.js';
import { startDns } from '../fixtures/dns.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';
import { verifyDomain } from '../fixtures/scenario.js';
import { LAPTOP, screenshotBothSizes } from '../fixtures/screen-sizes.js';
import { startUpstream } from '../fixtures/upstream.js';

test('a covered address says so on the Senders screen and in the user dialog, and is pending once its domain is removed', async (t) => {
  const dns = await startDns(t);
  const upstream = await startUpstream(t);
  const relay = await startRelayDesk(t, { dns, upstream });
  await verifyDomain(relay, dns, 'company.example');
  const { user } = await ok(relay, 'users.create', { note: 'Reception', addresses: 'anna@company.example' });
  const page = await openPage(t, { viewport: LAPTOP });
  await page.goto(relay.adminUrl);

  await page.getByRole('tab', { name: 'Users' }).click();
  await page.getByRole('button', { name: `Edit ${user.name}` }).click();
  const dialog = page.getByRole('dialog');
  const chip = dialog.getByText('anna@company.example (covered by the verified domain company.example)');
  await chip.waitFor();
  await chip.scrollIntoViewIfNeeded();
  assert.equal(await dialog.getByText('awaiting verification', { exact: false }).count(), 0, 'not shown as waiting for a code');
  await screenshotBothSizes(page, 'covered-user-dialog');
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  await page.getByRole('tab', { name: 'Senders' }).click();
  const anna = page.getByRole('article', { name: 'anna@company.example', exact: true });
  await anna.getByText('Covered by its domain — no code needed').waitFor();
  await anna.getByText('Covered by the verified domain company.example: it needs no code', { exact: false }).waitFor();
  await anna.getByText(`Authorized for ${user.name} (Reception).`).waitFor();
  assert.equal(await anna.getByRole('button', { name: /code/ }).count(), 0, 'no code to send');
  assert.equal(await anna.getByLabel('Code from the mail').count(), 0, 'no code to enter');
  await screenshotBothSizes(page, 'covered-senders');

  await page.getByRole('button', { name: 'Remove company.example' }).click();
  const confirm = page.getByRole('dialog', { name: 'Remove company.example?' });
  await confirm.getByText('once the domain is removed, it needs its own code before its users can send from it again', { exact: false }).waitFor();
  await confirm.getByText('anna@company.example', { exact: true }).waitFor();
  await screenshotBothSizes(page, 'covered-remove-domain-confirm');
  await confirm.getByRole('button', { name: 'Remove domain' }).click();
  await confirm.waitFor({ state: 'detached' });

  await anna.getByText('Pending — send it a code').waitFor();
  await anna.getByText('No code has been sent to it yet: press Send code.').waitFor();
  assert.equal(await anna.getByLabel('Code from the mail').count(), 0, 'no code was sent, so there is none to enter');
  await anna.getByText(`Authorized for ${user.name} (Reception), who cannot send from it until it is verified.`).waitFor();
  await anna.getByRole('button', { name: 'Send code' }).waitFor();
  await screenshotBothSizes(page, 'covered-senders-domain-removed');
  assert.equal((await ok(relay, 'users.get', { name: user.name })).addresses[0]?.status, 'pending');
});
