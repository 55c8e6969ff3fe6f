/**
 * Start at login is the desktop app's: a browser on `relay-desk serve` gets
 * no switch, and is told so and where starting at boot lives on a server.
 * (The desktop app's switch is driven in desktop-shell.test.ts.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiError } from '../fixtures/api.js';
import { openPage, screenshot, settled } from '../fixtures/browser.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';

test('in a browser the Status screen explains that start at login belongs to the desktop app, and names the systemd service', async (t) => {
  const relay = await startRelayDesk(t);
  const refused = apiError(await relay.call('app.setLoginItem', { enabled: true }), 409);
  assert.equal(refused.code, 'not_supported');

  const page = await openPage(t);
  await page.goto(relay.adminUrl);
  const section = page.getByRole('region', { name: 'Start at login' });
  await section.getByText(/^Start at login is a setting of the Relay Desk desktop app\./).waitFor();
  assert.equal(await section.locator('code').allTextContents().then((codes) => codes.join(' | ')), 'relay-desk serve | relay-desk service install');
  assert.equal(await section.getByRole('switch').count(), 0);
  assert.equal(await section.getByRole('checkbox').count(), 0);
  await settled(page);
  await screenshot(page, 'status-start-at-login-browser');
});
