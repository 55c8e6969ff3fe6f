/**
 * The Alerts screen in Chromium against the real host and relay: a webhook
 * channel added (its secret shown once, and accepted by the Python
 * verifier), "Send test alert", the rules, and the history of what five
 * wrong passwords and a dead upstream raised, whose message link opens the
 * Messages screen searching for that message. axe finds nothing serious.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import { openPage, screenshot, settled } from '../fixtures/browser.js';
import { startDns } from '../fixtures/dns.js';
import { freePort } from '../fixtures/ports.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';
import { senderUser } from '../fixtures/scenario.js';
import { swaks } from '../fixtures/smtp-clients.js';
import { startWebhookReceiver } from '../fixtures/webhook.js';

test('the Alerts screen adds a webhook, sends a test alert, shows the rules and the history, and links an alert to its message', async (t) => {
  const dns = await startDns(t);
  const relay = await startRelayDesk(t, { dns, upstream: { host: '127.0.0.1', port: await freePort() } });
  const { user, password } = await senderUser(relay, dns, 'company.example');
  const hook = await startWebhookReceiver(t);

  const page = await openPage(t, { viewport: { width: 1400, height: 1800 } });
  await page.goto(relay.adminUrl);
  await page.getByRole('tab', { name: 'Alerts' }).click();
  await page.getByRole('heading', { name: 'Rules' }).waitFor();
  assert.equal(await page.getByRole('switch', { name: 'Message bounced' }).isChecked(), true);
  assert.equal(await page.getByLabel('failed logins', { exact: true }).inputValue(), '5');

  const form = page.getByRole('form', { name: 'add a channel' });
  await form.getByRole('combobox', { name: 'Channel' }).click();
  await page.getByRole('option', { name: 'Webhook' }).click();
  await form.getByLabel('URL').fill(hook.url);
  await form.getByRole('button', { name: 'Add channel' }).click();
  const shown = page.getByRole('alert').filter({ hasText: "The webhook's signing secret, shown this once" });
  const secret = (await shown.locator('code').textContent()) ?? assert.fail('no secret shown');
  await hook.setSecret(secret);

  const channels = page.getByRole('list', { name: 'alert channels' });
  await channels.getByRole('button', { name: 'Send test alert' }).click();
  await channels.getByText(/test sent: HTTP 200/).waitFor();
  const [testPost] = await hook.waitForPosts(1);
  assert.deepEqual([testPost?.valid, testPost?.body.kind], [true, 'test']);

  for (let i = 0; i < 5; i++) {
    await swaks(relay.smtpPort, ['--from', 'clerk@company.example', '--to', 'boss@example.org', '--tls', '--auth', 'PLAIN', '--auth-user', user, '--auth-password', `wrong-${i}`]);
  }
  const sent = await swaks(relay.smtpPort, [
    ...['--from', 'clerk@company.example', '--to', 'customer@example.org', '--header', 'Subject: invoice', '--header', 'From: <clerk@company.example>'],
    ...['--tls', '--auth', 'PLAIN', '--auth-user', user, '--auth-password', password],
  ]);
  assert.equal(sent.code, 0, sent.output);
  const queueId = /queued as (\S+)/.exec(sent.output)?.[1] ?? assert.fail(sent.output);
  await hook.waitForPosts(3);

  const history = page.getByRole('table', { name: 'History' });
  await history.getByText(/^5 failed logins from 127\.0\.0\.1/).waitFor();
  await history.getByText(/^The upstream /).waitFor();
  await settled(page);
  await screenshot(page, 'alerts');
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
  assert.deepEqual(serious, []);

  // A list's own rule: chosen at the top, only the kinds about its mail, one switched off for it alone.
  await page.getByRole('combobox', { name: /^List/ }).click();
  await page.getByRole('option', { name: 'SMTP+', exact: true }).click();
  await page.getByRole('heading', { name: 'Rules of SMTP+' }).waitFor();
  await page.getByRole('listbox').waitFor({ state: 'detached' });
  assert.equal(await page.getByRole('switch', { name: /^Relay stopped/ }).count(), 0);
  // The switch follows the host's answer, so the click is followed by waiting for it to show off.
  await page.getByRole('switch', { name: /^Message bounced/ }).click();
  await page.getByRole('switch', { name: /^Message bounced/ }).and(page.locator(':not(:checked)')).waitFor();
  const rules = ((await relay.call('alerts.get')).body as { value: { rules: { kind: string; list: string | null; on: boolean }[] } }).value.rules;
  assert.deepEqual(
    rules.filter((r) => r.kind === 'message-bounced').map((r) => [r.list, r.on]),
    [
      [null, true],
      ['SMTP+', false],
    ],
  );
  await screenshot(page, 'alerts-list-rules');
  await page.getByRole('combobox', { name: /^List/ }).click();
  await page.getByRole('option', { name: 'All lists', exact: true }).click();

  await history.getByRole('button', { name: `message ${queueId}` }).click();
  await page.getByRole('tab', { name: 'Messages', selected: true }).waitFor();
  assert.equal(await page.getByRole('search', { name: 'message filters' }).getByLabel(/Search/).inputValue(), queueId);
});
