import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RelayState } from '../api/contract.js';
import type { QueueState } from '../api/schemas/queue.js';
import { TOOLTIP_MAX, trayIcon, trayIconFile, trayMenu, trayMenuTemplate, trayTooltip, type TrayAction, type TrayInput } from '../shell/tray-state.js';
import { port } from './relay-state-fixture.js';

const TRAY_ASSETS = fileURLToPath(new URL('../../../assets/tray/', import.meta.url));

const running = (change: Partial<RelayState> = {}): RelayState => ({ status: 'running', listeners: [port(2525)], queued: 0, ...change });
const queue = (change: Partial<QueueState> = {}): QueueState => ({ paused: false, queued: 0, deferred: 0, ...change });
const input = (relay: RelayState, q: QueueState | null = queue(), loginItem: boolean | null = false): TrayInput => ({ relay, queue: q, loginItem });

test('the icon says running, paused or problem, and a problem shows even while paused', () => {
  assert.equal(trayIcon(input(running())), 'running');
  assert.equal(trayIcon(input(running(), queue({ paused: true }))), 'paused');
  assert.equal(trayIcon(input(running({ listeners: [port(2525), port(25, { status: 'error', error: 'permission denied' })] }), queue({ paused: true }))), 'problem');
  assert.equal(trayIcon(input(running({ status: 'restarting', listeners: [], problem: 'The relay process exited with code 1.' }))), 'problem');
  assert.equal(trayIcon(input(running({ problem: 'The relay refused its configuration: bad' }))), 'problem');
  assert.equal(trayIcon(input(running({ status: 'stopped', listeners: [] }))), 'problem');
  // Starting takes a second: not a problem, and the queue is not known yet.
  assert.equal(trayIcon(input(running({ status: 'starting', listeners: [] }), null)), 'running');
});

test('each platform gets the icon kind it wants, and every one of them is in assets/tray', () => {
  assert.equal(trayIconFile('paused', 'darwin'), 'pausedTemplate.png');
  assert.equal(trayIconFile('paused', 'win32'), 'paused.ico');
  assert.equal(trayIconFile('paused', 'linux'), 'paused.png');
  for (const icon of ['running', 'paused', 'problem'] as const) {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const file = trayIconFile(icon, platform);
      assert.ok(existsSync(`${TRAY_ASSETS}${file}`), file);
      // Electron loads name@2x.png beside name.png on high-density screens.
      if (file.endsWith('.png')) assert.ok(existsSync(`${TRAY_ASSETS}${file.replace(/\.png$/, '@2x.png')}`), file);
    }
  }
});

test('the tooltip names the ports, the queue and the problem', () => {
  assert.equal(trayTooltip(input(running({ listeners: [port(2525), port(587)] }), queue({ queued: 3 }))), 'Relay Desk: relaying\nSMTP on ports 2525, 587\n3 messages queued');
  assert.equal(trayTooltip(input(running(), queue({ paused: true, queued: 1 }))), 'Relay Desk: delivery paused\nSMTP on port 2525\n1 message queued');
  assert.equal(
    trayTooltip(input(running({ listeners: [port(2525), port(25, { status: 'error', error: 'permission denied' })] }))),
    'Relay Desk: relaying\nSMTP on port 2525\nPort 25 could not be opened\nNothing queued',
  );
  // Before the queue is known, the relay's own count.
  assert.equal(trayTooltip(input(running({ status: 'starting', listeners: [], queued: 7 }), null)), 'Relay Desk: starting\n7 messages queued');
});

test('a long problem is cut so the tooltip fits what Windows shows, the state and ports first', () => {
  const problem = `The relay process exited with code 1; restarting in 0.5 s. ${'More words. '.repeat(20)}`;
  const tip = trayTooltip(input(running({ status: 'restarting', listeners: [], problem })));
  assert.equal(tip.length, TOOLTIP_MAX);
  assert.ok(tip.startsWith('Relay Desk: restarting the relay\nNothing queued\nThe relay process exited with code 1'), tip);
  assert.ok(tip.endsWith('…'));
});

const labels = (t: TrayInput) => trayMenu(t).map((item) => (item.type === 'separator' ? '—' : item.type === 'checkbox' ? `[${item.checked ? 'x' : ' '}] ${item.label}` : item.label));

test('the menu: open, pause or resume, start at login, quit', () => {
  assert.deepEqual(labels(input(running())), ['Open Relay Desk', '—', 'Pause delivery', '[ ] Start at login', '—', 'Quit Relay Desk']);
  assert.deepEqual(labels(input(running(), queue({ paused: true }), true)), ['Open Relay Desk', '—', 'Resume delivery', '[x] Start at login', '—', 'Quit Relay Desk']);
  // Neither is offered before the host has said what it is.
  assert.deepEqual(labels(input(running(), null, null)), ['Open Relay Desk', '—', '—', 'Quit Relay Desk']);
});

test("the Electron template calls the item's action, a checkbox with the state the admin just chose", () => {
  const acted: [TrayAction, boolean][] = [];
  const template = trayMenuTemplate(trayMenu(input(running(), queue(), false)), (action, checked) => acted.push([action, checked]));
  assert.deepEqual(
    template.map((t) => [t.type, t.label, t.checked]),
    [
      ['normal', 'Open Relay Desk', undefined],
      ['separator', undefined, undefined],
      ['normal', 'Pause delivery', undefined],
      ['checkbox', 'Start at login', false],
      ['separator', undefined, undefined],
      ['normal', 'Quit Relay Desk', undefined],
    ],
  );
  const click = (index: number, checked: boolean) => {
    const item = template[index];
    assert.ok(item?.click);
    // Electron's MenuItem and KeyboardEvent, of which the click reads only `checked`.
    (item.click as (menuItem: { checked: boolean }) => void)({ checked });
  };
  click(0, false);
  click(2, false);
  click(3, true);
  click(5, false);
  assert.deepEqual(acted, [
    ['open', false],
    ['pause', false],
    ['login-item', true],
    ['quit', false],
  ]);
});
