import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../api/contract.js';
import type { LoginItemView } from '../api/schemas/app.js';
import { appService, LOGIN_ITEM_NOT_HERE, type LoginItem } from '../host/services/app.js';
import { xdgLoginItem } from '../shell/login-item.js';
import { tempDir } from './history-fixture.js';

test('the desktop host turns start at login on and off, reads it back, and announces each change', async (t) => {
  const item = xdgLoginItem(await tempDir(t), ['/usr/bin/relay-desk', '--hidden']);
  const announced: LoginItemView[] = [];
  const api = appService(item, (view) => announced.push(view));
  assert.deepEqual(await api['app.loginItem']({}), { enabled: false, where: item.where });
  assert.deepEqual(await api['app.setLoginItem']({ enabled: true }), { enabled: true, where: item.where });
  assert.equal(await item.get(), true);
  await api['app.setLoginItem']({ enabled: false });
  assert.deepEqual(
    announced.map((v) => v.enabled),
    [true, false],
  );
});

test('what the system did not take is what is answered (macOS waiting for approval, say)', async () => {
  const stubborn: LoginItem = { where: 'Login Items', get: () => Promise.resolve(false), set: () => Promise.resolve() };
  const announced: LoginItemView[] = [];
  assert.deepEqual(await appService(stubborn, (view) => announced.push(view))['app.setLoginItem']({ enabled: true }), { enabled: false, where: 'Login Items' });
  assert.deepEqual(announced, [{ enabled: false, where: 'Login Items' }]);
});

test('relay-desk serve has no login item: not_supported, pointing at the systemd service', async () => {
  const api = appService(undefined, () => assert.fail('nothing changed'));
  for (const call of [() => api['app.loginItem']({}), () => api['app.setLoginItem']({ enabled: true })]) {
    await assert.rejects(call, (err: unknown) => err instanceof ApiError && err.code === 'not_supported' && err.message === LOGIN_ITEM_NOT_HERE);
  }
  assert.match(LOGIN_ITEM_NOT_HERE, /`relay-desk service install`/);
});
