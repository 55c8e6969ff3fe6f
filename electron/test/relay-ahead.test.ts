/**
 * The relay started ahead of the host (host/relay-ahead.ts), with a real
 * child process (the scripted relay): what it says before the supervisor
 * listens is not lost, restarts launch new relays, and one the host never
 * takes is ended.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { launchAhead } from '../host/relay-ahead.js';
import { loggedLaunch } from '../host/relay-log.js';
import type { LaunchRelay } from '../host/relay-process.js';
import { RelaySupervisor } from '../host/relay-supervisor.js';
import { scriptedLauncher, testConfig, watch, type ScriptedChild } from './scripted-launcher.js';

/** The scripted launcher, and a promise of the first message the first child sends (heard beside whoever else listens). */
function launcherHeard(t: TestContext, scripts: string[][]): { launch: LaunchRelay; children: ScriptedChild[]; firstMessage: Promise<unknown> } {
  const children: ScriptedChild[] = [];
  const scripted = scriptedLauncher(scripts, children);
  let heard: (message: unknown) => void = () => undefined;
  const firstMessage = new Promise<unknown>((resolve) => (heard = resolve));
  t.after(async () => {
    for (const { process: child, exited } of children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    }
  });
  return {
    launch: () => {
      const child = scripted();
      if (children.length === 1) child.onMessage(heard);
      return child;
    },
    children,
    firstMessage,
  };
}

function supervisor(t: TestContext, launch: LaunchRelay): RelaySupervisor {
  const supervised = new RelaySupervisor({ launch, config: () => testConfig(), restartDelaysMs: [0] });
  t.after(() => supervised.stop());
  return supervised;
}

test('the relay said ready before the supervisor listened: handed over, it is configured and runs, and no second relay starts', async (t) => {
  const { launch, children, firstMessage } = launcherHeard(t, [[]]);
  const ahead = launchAhead(launch);
  assert.deepEqual(await firstMessage, { events: [{ type: 'ready' }] });

  const relay = supervisor(t, ahead.launch);
  const watched = watch(relay);
  relay.start();
  await watched.waitForState((s) => s.status === 'running', 'the relay runs');
  assert.deepEqual(watched.events.map((e) => e.type), ['ready', 'listeners']);
  assert.equal(children.length, 1);
  assert.equal(relay.pid, children[0]?.process.pid);
  ahead.discard();
  assert.equal(children[0]?.process.exitCode, null, 'a relay handed over is the supervisor’s, not discarded');
});

test('a relay that exited before the handover shows as exited, in the relay log and to the supervisor, and the restart launches a new one', async (t) => {
  const { launch, children } = launcherHeard(t, [['--exit-at-start=3'], []]);
  const ahead = launchAhead(launch);
  assert.equal((await children[0]?.exited)?.code, 3);

  // Wrapped as the host wraps it: the log listens to the exit before the supervisor does.
  const logged: string[] = [];
  const record = (...args: unknown[]) => void logged.push(args.join(' '));
  const relay = supervisor(t, loggedLaunch(ahead.launch, { info: record, warn: record, error: record }));
  const watched = watch(relay);
  relay.start();
  await watched.waitForState((s) => s.status === 'running', 'the restarted relay runs');
  assert.equal(children.length, 2);
  assert.ok(watched.states.some((s) => s.status === 'restarting'), 'the early exit was seen');
  assert.ok(logged.includes(`relay process ${children[0]?.process.pid} exited with code 3`), logged.join('\n'));
});

test('a relay started ahead that the host never takes is ended by discard', async (t) => {
  const { launch, children, firstMessage } = launcherHeard(t, [[]]);
  const ahead = launchAhead(launch);
  await firstMessage;
  ahead.discard();
  const { code, signal } = (await children[0]?.exited) ?? {};
  assert.ok(code === 0 || signal === 'SIGTERM', `ended: code ${String(code)}, signal ${String(signal)}`);
});
