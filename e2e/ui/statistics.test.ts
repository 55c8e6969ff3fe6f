/**
 * The Statistics screen in Chromium against the real host and relay: a
 * list's messages, sent with swaks and delivered to aiosmtpd, grouped by time
 * (the default), then by dynamic subject ("Ticket 123 solved" and "Ticket
 * 456 solved" are one group), a choice kept as the list's setting; the chart
 * is drawn; a group's row opens the Messages screen narrowed to it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ok } from '../fixtures/api.js';
import { openPage, screenshot, settled } from '../fixtures/browser.js';
import { startDns } from '../fixtures/dns.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';
import { senderUser } from '../fixtures/scenario.js';
import { swaks } from '../fixtures/smtp-clients.js';
import { startUpstream } from '../fixtures/upstream.js';

test('the Statistics screen groups the messages of a list by the mode chosen for it, charts them, and opens the messages of a group', async (t) => {
  const dns = await startDns(t);
  const upstream = await startUpstream(t);
  const relay = await startRelayDesk(t, { dns, upstream });
  const { user, password } = await senderUser(relay, dns, 'office.example', { list: 'Helpdesk' });
  for (const subject of ['Ticket 123 solved', 'Ticket 456 solved', 'Welcome to the helpdesk']) {
    const sent = await swaks(relay.smtpPort, [
      ...['--tls', '--auth', 'PLAIN', '--auth-user', user, '--auth-password', password],
      ...['--from', 'help@office.example', '--to', 'customer@partner.example', '--header', `Subject: ${subject}`],
    ]);
    assert.equal(sent.code, 0, sent.output);
  }
  await upstream.waitForMessages(3);

  const page = await openPage(t, { viewport: { width: 1600, height: 900 } });
  await page.goto(relay.adminUrl);
  await page.getByRole('tab', { name: 'Statistics' }).click();
  await page.getByText('Statistics are kept per list: choose a list at the top.').waitFor();
  await page.getByRole('combobox', { name: /^List/ }).click();
  const asked = page.waitForRequest((r) => r.url().endsWith('/api/call/stats.get'));
  await page.getByRole('option', { name: 'Helpdesk', exact: true }).click();
  // "Last 30 days" is today and the 29 whole days before it, the days the chart draws: no cut first day in the table alone.
  const firstMidnight = await page.evaluate(() => {
    const now = new Date();
    return new Date(now.getFullYear(), now.getMonth(), now.getDate() - 29).toISOString();
  });
  assert.equal((JSON.parse((await asked).postData() ?? '{}') as { since?: string }).since, firstMidnight);

  const grid = page.getByRole('grid', { name: 'Statistics of Helpdesk' });
  // By time, per day (a new list's default): today's one group holds all three.
  await grid.getByRole('row').filter({ hasText: '3' }).first().waitFor();
  assert.equal(await grid.getByRole('row').count(), 2, 'a header row and one day');
  await page.getByLabel('messages per day').waitFor();
  await settled(page);
  await screenshot(page, 'statistics-by-day');

  await page.getByRole('combobox', { name: 'Aggregate' }).click();
  await page.getByRole('option', { name: /^By dynamic subject/ }).click();
  const tickets = grid.getByRole('row').filter({ hasText: /Ticket/ });
  await tickets.waitFor();
  assert.equal(await tickets.count(), 1, 'both tickets in one group');
  assert.match((await tickets.textContent()) ?? '', /2/);
  await grid.getByRole('row').filter({ hasText: 'Welcome to the helpdesk' }).waitFor();
  await settled(page);
  await screenshot(page, 'statistics-by-dynamic-subject');
  const kept = await ok(relay, 'stats.get', { list: 'Helpdesk', since: new Date(Date.now() - 86_400_000).toISOString() });
  assert.equal(kept.aggregation.mode, 'dynamic-subject', 'the choice is the list\'s setting');

  await tickets.click();
  await page.getByText('Only the messages of one statistics group of Helpdesk.').waitFor();
  const rows = page.getByRole('grid', { name: 'Messages' }).getByRole('row');
  await rows.filter({ hasText: 'Ticket 456 solved' }).waitFor();
  await rows.filter({ hasText: 'Ticket 123 solved' }).waitFor();
  assert.equal(await rows.filter({ hasText: 'Welcome' }).count(), 0);
  await settled(page);
  await screenshot(page, 'statistics-group-messages');
});
