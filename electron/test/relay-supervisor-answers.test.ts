/**
 * The relay supervisor waiting on the relay's answers, with a real child
 * process (the scripted relay): a changed configuration or users change
 * returns once the relay reports it in force, a refused configuration is
 * shown, mail the host submits gets its queue id or the relay's refusal, and
 * what the relay reports reaches the state the UI shows.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { test } from 'node:test';
import type { RateHistory, RelayConfig } from '../../relay/protocol.js';
import type { SupervisorOptions } from '../host/relay-supervisor.js';
import { isSettled, supervise, testConfig } from './scripted-launcher.js';

const MAIL = { from: 'relay-desk@office.example', to: ['clerk@office.example'], content: 'Subject: code\r\n\r\n123456\r\n' };
const noUser = (name: string) => ({ upsert: [], remove: [name] });

/** A supervisor whose relay runs the script, started; unless `running` is false, once its first configuration is in force. */
async function startSupervisor(t: TestContext, script: string[], { running = true, ...options }: Partial<SupervisorOptions> & { running?: boolean } = {}) {
  const supervised = supervise(t, [script], options);
  supervised.supervisor.start();
  if (running) await supervised.waitForState((s) => s.status === 'running', 'the relay runs');
  const [child] = supervised.children;
  assert.ok(child);
  return { ...supervised, child };
}

test('reconfigure returns once the relay reports the new configuration in force, not before', async (t) => {
  let port = 2600;
  const { supervisor, child, states, events, waitForState } = await startSupervisor(t, ['--hold'], { config: () => testConfig(port), running: false });
  await child.waitForReceived('configure');
  assert.equal(supervisor.state.status, 'starting');
  child.process.kill('SIGUSR2');
  await waitForState((s) => s.status === 'running', 'the relay runs');

  port = 2601;
  const applied = supervisor.reconfigure();
  await child.waitForReceived('configure', 2);
  assert.equal((child.received.at(-1)?.config as RelayConfig).listeners[0]?.port, 2601);
  assert.equal(await isSettled(applied), false, 'waits for the relay');
  child.process.kill('SIGUSR2');
  await waitForState((s) => s.listeners[0]?.port === 2601, 'the new port is reported');
  assert.equal(await isSettled(applied), true, 'returns with the answer');
  assert.deepEqual(
    states.map((s) => s.status),
    ['starting', 'running', 'running'],
  );
  assert.deepEqual(
    events.map((e) => e.type),
    ['ready', 'listeners', 'listeners'],
  );
});

test('two configurations in flight: the answer to the first releases only the first call', async (t) => {
  let port = 2600;
  const { supervisor, child, waitForEvents } = await startSupervisor(t, ['--hold'], { config: () => testConfig(port), running: false });
  await child.waitForReceived('configure');
  child.process.kill('SIGUSR2');
  await waitForEvents('listeners');

  port = 2601;
  const first = supervisor.reconfigure();
  port = 2602;
  const second = supervisor.reconfigure();
  await child.waitForReceived('configure', 3);
  child.process.kill('SIGUSR2');
  await waitForEvents('listeners', 2);
  assert.deepEqual([await isSettled(first), await isSettled(second)], [true, false], 'port 2602 is not in force yet');
  child.process.kill('SIGUSR2');
  await second;
  assert.equal(supervisor.state.listeners[0]?.port, 2602);
});

test('one users acknowledgement covers every earlier change, not later ones; an exit releases the rest', async (t) => {
  const { supervisor, child, waitForEvents } = await startSupervisor(t, ['--ack-users-every=2']);
  const changes = [supervisor.updateUsers(noUser('a')), supervisor.updateUsers(noUser('b')), supervisor.updateUsers(noUser('c'))];
  await waitForEvents('users-applied');
  assert.deepEqual(
    await Promise.all(changes.map((c) => isSettled(c))),
    [true, true, false],
  );
  await child.waitForReceived('users', 3);
  assert.deepEqual(
    child.received.filter((m) => m.type === 'users').map((m) => [m.seq, m.remove]),
    [
      [1, ['a']],
      [2, ['b']],
      [3, ['c']],
    ],
  );

  child.process.kill('SIGKILL');
  await child.exited;
  assert.equal(await isSettled(changes[2] ?? Promise.reject(new Error('no third change'))), true);
});

test('a refused configuration is shown and releases the waiting calls; the next one accepted clears it', async (t) => {
  const { supervisor, child, waitForState } = await startSupervisor(t, ['--refuse-configs=1', '--hold', '--ack-users-every=1000'], { running: false });
  await child.waitForReceived('configure');
  const usersChange = supervisor.updateUsers(noUser('a'));
  await child.waitForReceived('users');
  assert.equal(await isSettled(usersChange), false);
  child.process.kill('SIGUSR2');
  const refused = await waitForState((s) => s.problem !== undefined, 'a problem is shown');
  assert.deepEqual(refused, { status: 'starting', listeners: [], queued: 0, problem: 'The relay refused its configuration: scripted refusal 1' });
  assert.equal(await isSettled(usersChange), true);

  const applied = supervisor.reconfigure();
  await child.waitForReceived('configure', 2);
  child.process.kill('SIGUSR2');
  await applied;
  assert.equal(supervisor.state.status, 'running');
  assert.equal(supervisor.state.problem, undefined);
});

test('with no relay, changes return at once and mail is refused; while it starts, mail is refused too', async (t) => {
  const { supervisor, children } = supervise(t, [['--hold']]);
  await supervisor.reconfigure();
  await supervisor.updateUsers(noUser('a'));
  await assert.rejects(supervisor.submit(MAIL), { message: 'the relay is not running' });
  supervisor.start();
  await children[0]?.waitForReceived('configure');
  await assert.rejects(supervisor.submit(MAIL), { message: 'the relay is not running' });
});

test('submitted mail resolves with its queue id; a refusal rejects with the relay reason', async (t) => {
  const queued = await startSupervisor(t, ['--submit=queue']);
  const id = await queued.supervisor.submit(MAIL);
  // The child's stdout (what it received) and its answer travel on different pipes: wait for the first too.
  await queued.child.waitForReceived('submit');
  const [{ type, requestId, ...mail } = {}] = queued.child.received.filter((m) => m.type === 'submit');
  assert.equal(type, 'submit');
  assert.deepEqual(mail, MAIL);
  assert.equal(id, `Q${String(requestId).slice(0, 8)}`, 'the answer to this request');

  const failing = await startSupervisor(t, ['--submit=fail']);
  await assert.rejects(failing.supervisor.submit(MAIL), { message: 'scripted: the spool is full' });
});

test('mail not yet queued when the relay dies is refused, not left waiting', async (t) => {
  const { supervisor, child } = await startSupervisor(t, ['--submit=ignore']);
  const submitted = supervisor.submit(MAIL);
  await child.waitForReceived('submit');
  child.process.kill('SIGKILL');
  await assert.rejects(submitted, { message: 'the relay stopped before queueing the message' });
});

test('each new relay gets the rate history after its configuration, and none when there is nothing to count', async (t) => {
  const history: RateHistory[] = [{ user: 'scanner', acceptedAt: [1_764_000_000_000, 1_764_000_060_000] }];
  const counted = await startSupervisor(t, [], { rateHistory: () => history });
  await counted.child.waitForReceived('rate-history');
  assert.deepEqual(
    counted.child.received.map((m) => m.type),
    ['configure', 'rate-history'],
  );
  assert.deepEqual(counted.child.received[1]?.users, history);

  const none = await startSupervisor(t, [], { rateHistory: () => [] });
  // retry-now is sent after everything the start sent, so it arrives after a rate history would have.
  none.supervisor.retryNow();
  await none.child.waitForReceived('retry-now');
  assert.deepEqual(
    none.child.received.map((m) => m.type),
    ['configure', 'retry-now'],
  );
});

test('queue files set aside stay shown while the relay runs, past later configurations', async (t) => {
  const { supervisor, waitForState } = await startSupervisor(t, ['--set-aside=/var/spool/relay-desk/set-aside/0001.json'], { running: false });
  const problem = '1 queued message file(s) could not be read and were moved to /var/spool/relay-desk/set-aside: unexpected end of JSON input';
  await waitForState((s) => s.status === 'running' && s.problem === problem, 'the set-aside files are shown');
  await supervisor.reconfigure();
  assert.equal(supervisor.state.problem, problem);
});

test('a message from the relay that is no event batch is reported, and the events after it still count', async (t) => {
  const { states, events } = await startSupervisor(t, ['--garbage']);
  assert.ok(states.some((s) => s.problem === 'The relay sent a message the host does not understand; it may be a different version.'));
  assert.deepEqual(
    events.map((e) => e.type),
    ['ready', 'listeners'],
  );
});
