/**
 * `main.ts` runs: the built dist/electron/main.js under plain Node with the
 * Electron STAND-IN (e2e/fixtures/electron-stand-in/, recording every call),
 * its relay a real child process, its window Debian's Chromium on what
 * main.ts registered for app://, the real preload and IPC transport carrying
 * the page's calls. Not a launch of Electron, which cannot run here: what
 * these machines allow. The data folder is made first by `relay-desk serve`
 * on a free port, as the desktop app and serve share one.
 */
import assert from 'node:assert/strict';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright';
import { ok } from '../fixtures/api.js';
import { launchDesktopApp, type DesktopApp } from '../fixtures/desktop-app.js';
import { startDns } from '../fixtures/dns.js';
import { rawSmtp } from '../fixtures/raw-smtp.js';
import { isRunning, startRelayDesk, type RelayDesk } from '../fixtures/relay-desk.js';
import { senderUser } from '../fixtures/scenario.js';
import { swaks } from '../fixtures/smtp-clients.js';
import { tempDir } from '../fixtures/temp.js';
import { screenshot, settled } from '../fixtures/browser.js';

/** The relay greets on its port: a real SMTP server is listening there. */
async function greets(port: number): Promise<boolean> {
  const client = await rawSmtp(port).catch(() => null);
  if (!client) return false;
  const greeting = await client.reply();
  client.close();
  return greeting.code === 220;
}

/** The environment of the app's process: the data folder serve made, and private folders for the stand-in and XDG config. */
async function desktopEnv(t: Parameters<typeof tempDir>[0], seeded: RelayDesk, extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv & { XDG_CONFIG_HOME: string }> {
  return {
    ...process.env,
    RELAY_DESK_DATA_DIR: seeded.dataDir,
    XDG_CONFIG_HOME: await tempDir(t, 'xdg-config'),
    ELECTRON_STAND_IN_HOME: await tempDir(t, 'electron-stand-in'),
    ...extra,
  };
}

const named = (app: DesktopApp, name: string) => app.records.filter((r) => r.name === name);
const seqOf = async (app: DesktopApp, name: string) => (await app.waitForRecord(name)).seq;

/** The relay listens once the tray's tooltip names its port. */
const relayListening = (app: DesktopApp, port: number) =>
  app.waitForRecord('Tray.setToolTip', (d) => String(d.toolTip).includes(`SMTP on port ${port}`));

async function usersScreenShows(page: Page, user: string): Promise<void> {
  await page.getByRole('tab', { name: 'Users' }).click();
  await page.getByRole('grid', { name: 'SMTP users' }).getByRole('row').filter({ hasText: user }).waitFor();
}

test('main.ts runs: lock, scheme before ready, host and relay, the window over the real preload and IPC, the tray, closing keeps relaying, Quit keeps the queue', async (t) => {
  const dns = await startDns(t);
  const seeded = await startRelayDesk(t, { dns });
  const login = await senderUser(seeded, dns, 'office.example');
  await seeded.interrupt();
  const port = seeded.smtpPort;
  // The dock icon clicked while the host starts: still one window.
  const env = await desktopEnv(t, seeded, { ELECTRON_STAND_IN_ACTIVATE_DURING_START: '1' });
  const app = await launchDesktopApp(t, { env });

  // Before anything else: the single-instance lock; the privileged scheme and the sandbox before 'ready'.
  const ready = await seqOf(app, 'app.ready');
  assert.deepEqual(app.records[0], { seq: 1, name: 'app.requestSingleInstanceLock', detail: { granted: true } });
  const scheme = await app.waitForRecord('protocol.registerSchemesAsPrivileged');
  assert.ok(scheme.seq < ready);
  assert.deepEqual(scheme.detail, {
    schemes: [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }],
    appReady: false,
  });
  assert.ok((await seqOf(app, 'app.enableSandbox')) < ready);
  assert.ok((await seqOf(app, 'protocol.handle')) > ready);
  await app.waitForRecord('session.setPermissionCheckHandler', (d) => d.set === true);

  // The relay: a utility process with a scrubbed environment, listening on the folder's port.
  const fork = await app.waitForRecord('utilityProcess.fork');
  assert.match(String(fork.detail.modulePath), /dist\/relay\/main\.js$/);
  assert.deepEqual(fork.detail.envNames, ['NODE_ENV', 'PATH']);
  const relayPid = Number(fork.detail.pid);
  await relayListening(app, port);
  assert.equal(await greets(port), true);
  const tray = await app.waitForRecord('Tray.new');
  assert.match(String(tray.detail.image), /assets\/tray\/running\.png$/);
  assert.equal(tray.detail.exists, true);

  // The window: app:// through the protocol handler, the real preload's bridge, the Users screen over IPC.
  const load = await app.waitForRecord('BrowserWindow.loadURL');
  assert.equal(load.detail.url, 'app://relay-desk/index.html');
  const windowId = Number(load.detail.windowId);
  await app.waitForRecord('contextBridge.exposeInMainWorld', (d) => d.key === 'relayDesk');
  const page = await app.windowPage(windowId);
  await app.waitForRecord('BrowserWindow.show', (d) => d.windowId === windowId);
  await page.getByLabel('relay status').getByText(`Listening on ${port}`).waitFor();
  await usersScreenShows(page, login.user);
  const status = await page.evaluate(async () => await (window as unknown as { relayDesk: { call(m: string, i: unknown): Promise<unknown> } }).relayDesk.call('relay.status', {}));
  assert.deepEqual((status as { ok: boolean; value: { listeners: { port: number }[] } }).value.listeners.map((l) => l.port), [port]);
  await app.waitForRecord('app.emit', (d) => d.event === 'activate');
  assert.equal(named(app, 'BrowserWindow.new').length, 1, 'activate during the start made no second window');
  await settled(page);
  await screenshot(page, 'desktop-users');

  // The tray pauses delivery: its icon and the window follow; mail is still taken and queued.
  await app.clickTrayItem('Pause delivery');
  await app.waitForRecord('Tray.setImage', (d) => String(d.image).endsWith('assets/tray/paused.png') && d.exists === true);
  await page.getByLabel('relay status').getByText('Delivery paused').waitFor();
  const sent = await swaks(port, [
    '--from', 'clerk@office.example', '--to', 'boss@example.org', '--header', 'From: clerk@office.example', '--header', 'Subject: Kept across Quit',
    '--tls', '--auth', 'PLAIN', '--auth-user', login.user, '--auth-password', login.password,
  ]);
  assert.equal(sent.code, 0, sent.output);
  await app.waitForRecord('Tray.setToolTip', (d) => String(d.toolTip).startsWith('Relay Desk: delivery paused') && String(d.toolTip).includes('1 message queued'));

  // Start at login from the window writes the autostart entry; from the tray, it goes and the window's switch follows.
  await page.getByRole('tab', { name: 'Status' }).click();
  const loginSwitch = page.getByRole('region', { name: 'Start at login' }).getByLabel('Start Relay Desk when I log in');
  assert.equal(await loginSwitch.isChecked(), false, 'off by default');
  await loginSwitch.click();
  await app.waitForRecord('Tray.setContextMenu', (d) => JSON.stringify(d.items).includes('{"type":"checkbox","label":"Start at login","checked":true}'));
  const entry = join(env.XDG_CONFIG_HOME, 'autostart', 'relay-desk.desktop');
  const exec = (await readFile(entry, 'utf8')).split('\n').find((l) => l.startsWith('Exec='));
  assert.equal(exec, `Exec=${process.execPath} ${join(import.meta.dirname, '../../../')} --hidden`);
  await settled(page);
  await screenshot(page, 'desktop-start-at-login');
  // The switch only the desktop app shows passes the accessibility check the browser's screens do (accessibility.test.ts).
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  assert.deepEqual(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id), []);
  // Only the desktop app can show a folder: the Logs card's button reaches Electron's shell.
  await page.getByRole('region', { name: 'Logs' }).getByRole('button', { name: 'Open log folder' }).click();
  await app.waitForRecord('shell.openPath', (d) => d.path === join(env.ELECTRON_STAND_IN_HOME ?? '', 'logs'));
  await app.clickTrayItem('Start at login');
  await page.waitForFunction((input) => !(input as HTMLInputElement).checked, await loginSwitch.elementHandle());
  assert.equal(await loginSwitch.isChecked(), false);
  await assert.rejects(access(entry), { code: 'ENOENT' });

  // Closing the window: the relay keeps listening, the tray stays, and a notification says so once.
  await app.userClosesWindow(windowId);
  await app.waitForRecord('Notification.show', (d) => d.title === 'Relay Desk is still running');
  await access(join(seeded.dataDir, 'tray-notice-shown'));
  assert.equal(await greets(port), true);
  assert.ok(isRunning(relayPid));
  assert.equal(named(app, 'Tray.destroy').length, 0);
  assert.equal(named(app, 'app.quit').length, 0);

  // Quit from the tray: the host stops the relay and waits for it; the app exits; the queue stays on disk.
  await app.clickTrayItem('Quit Relay Desk');
  assert.deepEqual(await app.exited, { code: 0, signal: null });
  const prevented = await seqOf(app, 'app.before-quit prevented');
  const relayExit = await app.waitForRecord('utility process exit');
  assert.ok(relayExit.seq > prevented);
  assert.equal(relayExit.detail.code, 0, 'the relay stopped on its own, not killed');
  assert.ok(!isRunning(relayPid));
  assert.equal(await greets(port), false);
  assert.equal(named(app, 'Notification.show').length, 1);

  const after = await startRelayDesk(t, { dataDir: seeded.dataDir, smtpPort: port });
  // The relay listens before it has read its spool back: the count comes with the queue's event.
  await after.waitForRelayState((s) => s.status === 'running' && s.queued === 1);
  assert.deepEqual(await ok(after, 'queue.status', {}), { paused: true, queued: 1, deferred: 0 });
  const listed = await ok(after, 'messages.list', {});
  assert.deepEqual(listed.rows.map((m) => m.subject), ['Kept across Quit']);
});

test('started --hidden there is no window; a relay crash is notified; a second launch hands over to the first, which opens its window, then brings it to the front', async (t) => {
  const seeded = await startRelayDesk(t);
  // Alerts shown on the desktop too, whose relay-down alert must not repeat the shell's own notice.
  await ok(seeded, 'alerts.channel.add', { type: 'desktop', frequency: 'immediate' });
  await seeded.interrupt();
  const env = await desktopEnv(t, seeded);
  const first = await launchDesktopApp(t, { env, args: ['--hidden'] });
  await relayListening(first, seeded.smtpPort);
  assert.equal(named(first, 'BrowserWindow.new').length, 0);

  // The relay crashes: the tray shows the problem, and once it runs again a notification says what happened.
  const relayPid = Number((await first.waitForRecord('utilityProcess.fork')).detail.pid);
  process.kill(relayPid, 'SIGKILL');
  const problem = await first.waitForRecord('Tray.setImage', (d) => String(d.image).endsWith('assets/tray/problem.png'));
  const restarted = await first.waitForRecord('Notification.show', (d) => d.title === 'The relay stopped and was restarted');
  assert.match(String(restarted.detail.body), /What happened is in .*\/logs\/relay\.log\.$/);
  assert.deepEqual(
    named(first, 'Notification.show').map((r) => r.detail.title),
    ['The relay stopped and was restarted'],
    "said once: the alert center's relay-down alert is not shown beside it",
  );
  await first.waitForRecord('Tray.setImage', (d, r) => r.seq > problem.seq && String(d.image).endsWith('assets/tray/running.png'));
  assert.equal(await greets(seeded.smtpPort), true);

  const second = await launchDesktopApp(t, { env });
  assert.deepEqual(await second.exited, { code: 0, signal: null });
  assert.deepEqual(
    second.records.map((r) => r.name),
    ['app.requestSingleInstanceLock', 'app.quit', 'process.exit'],
    'the second launch started nothing',
  );
  assert.equal(second.records[0]?.detail.granted, false);

  await first.waitForRecord('app.emit', (d) => d.event === 'second-instance');
  const created = await first.waitForRecord('BrowserWindow.new');
  const page = await first.windowPage(Number(created.detail.windowId));
  await page.getByLabel('relay status').getByText(`Listening on ${seeded.smtpPort}`).waitFor();

  const third = await launchDesktopApp(t, { env });
  assert.equal((await third.exited).code, 0);
  await first.waitForRecord('BrowserWindow.focus', (d) => d.windowId === created.detail.windowId);
  assert.equal(named(first, 'BrowserWindow.new').length, 1);

  await first.clickTrayItem('Quit Relay Desk');
  assert.deepEqual(await first.exited, { code: 0, signal: null });
});
