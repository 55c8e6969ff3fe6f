/**
 * The logs of `relay-desk serve`, in the data folder's logs/: the host's
 * start, and the relay's: its process starting, listening, killed with
 * SIGKILL and restarted, each line with its time and level. The API names the
 * folder and, without a desktop to open it in, says where it is.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { apiError, ok } from '../fixtures/api.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';

const read = async (dir: string, file: string) => readFile(join(dir, 'logs', file), 'utf8');

test('serve logs the host and the relay in the data folder, a killed relay and its restart included', async (t) => {
  const relay = await startRelayDesk(t);
  const pid = await relay.relayPid();
  assert.ok(pid);
  process.kill(pid, 'SIGKILL');
  await relay.waitForRelayState((s) => s.status === 'restarting');
  await relay.waitForRelayState((s) => s.status === 'running' && s.listeners.length > 0);

  const host = await read(relay.dataDir, 'host.log');
  assert.match(host, new RegExp(`^\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\] \\[info\\] +Data folder: ${relay.dataDir}$`, 'm'));
  assert.ok(!host.includes(relay.token), 'the sign-in token is never logged');
  const relayLog = await read(relay.dataDir, 'relay.log');
  assert.match(relayLog, new RegExp(`\\[info\\] +relay process ${pid} started`));
  assert.match(relayLog, new RegExp(`\\[error\\] +relay process ${pid} stopped by signal SIGKILL`));
  assert.match(relayLog, /\[warn\] +The relay process was stopped by signal SIGKILL; restarting in [\d.]+ s\./);
  assert.equal(relayLog.match(new RegExp(`SMTP relay listening on 0\\.0\\.0\\.0:${relay.smtpPort}`, 'g'))?.length, 2, 'listening before and after the restart');

  const where = await ok(relay, 'logs.location', {});
  assert.deepEqual(where, { folder: join(relay.dataDir, 'logs'), canOpen: false });
  const refused = apiError(await relay.call('logs.open', {}), 409);
  assert.equal(refused.code, 'not_supported');
  assert.match(refused.message, new RegExp(`its logs are in ${join(relay.dataDir, 'logs')}`));
});
