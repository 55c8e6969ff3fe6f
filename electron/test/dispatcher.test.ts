import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError, type ApiImplementation, type CallResult, type RelayState } from '../api/contract.js';
import { createDispatcher } from '../api/dispatcher.js';

function codeOf(result: CallResult): string | null {
  return result.ok ? null : result.error.code;
}

const state: RelayState = { status: 'running', listeners: [], queued: 0 };

const INTERNAL = 'Something went wrong in Relay Desk; the details are in its log, /data/logs/host.log.';

function dispatcherWith(status: ApiImplementation['relay.status']) {
  const internal: unknown[] = [];
  // Only relay.status is ever called here.
  const impl = { 'relay.status': status } as ApiImplementation;
  return { dispatch: createDispatcher(impl, (e) => internal.push(e), INTERNAL), internal };
}

test('a valid call returns the implementation\'s value', async () => {
  const { dispatch } = dispatcherWith(() => Promise.resolve(state));
  assert.deepEqual(await dispatch('relay.status', {}), { ok: true, value: state });
});

test('an unknown method is refused by name', async () => {
  const { dispatch } = dispatcherWith(() => Promise.resolve(state));
  assert.equal(codeOf(await dispatch('users.dropAll', {})), 'unknown_method');
  assert.equal(codeOf(await dispatch('__proto__', {})), 'unknown_method');
});

test('unexpected input fields are refused, naming the field', async () => {
  const { dispatch } = dispatcherWith(() => Promise.resolve(state));
  const result = await dispatch('relay.status', { sneaky: true });
  assert.equal(codeOf(result), 'invalid_input');
  assert.match(result.ok ? '' : result.error.message, /sneaky/);
});

test('an output that breaks the contract never reaches the caller', async () => {
  const { dispatch, internal } = dispatcherWith(() => Promise.resolve({ ...state, secret: 'x', status: 'bogus' } as unknown as RelayState));
  const result = await dispatch('relay.status', {});
  assert.deepEqual(result, { ok: false, error: { code: 'internal', message: INTERNAL } });
  assert.equal(internal.length, 1);
});

test('an ApiError keeps its code and message; other errors are hidden', async () => {
  const known = dispatcherWith(() => Promise.reject(new ApiError('relay_not_running', 'The relay is not running.')));
  assert.deepEqual(await known.dispatch('relay.status', {}), { ok: false, error: { code: 'relay_not_running', message: 'The relay is not running.' } });
  const unknown = dispatcherWith(() => Promise.reject(new Error('EACCES /secret/path')));
  const result = await unknown.dispatch('relay.status', {});
  assert.equal(codeOf(result), 'internal');
  assert.doesNotMatch(JSON.stringify(result), /secret/);
});
