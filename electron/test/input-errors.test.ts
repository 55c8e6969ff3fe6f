/** Bad input is refused with the field named and words an admin can act on, not zod's jargon. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiImplementation } from '../api/contract.js';
import { createDispatcher } from '../api/dispatcher.js';

// Only validation is under test: no method body may run.
const dispatch = createDispatcher(
  new Proxy({} as ApiImplementation, {
    get: () => () => Promise.reject(new Error('a method ran on invalid input')),
  }),
  (err) => assert.fail(String(err)),
  'Something went wrong.',
);

async function refusal(method: string, input: unknown): Promise<{ message: string; field?: string }> {
  const result = await dispatch(method, input);
  if (result.ok) return assert.fail(`${method} accepted ${JSON.stringify(input)}`);
  assert.equal(result.error.code, 'invalid_input');
  return result.error;
}

test('each kind of bad input gets a plain sentence naming the field', async () => {
  assert.deepEqual(await refusal('server.setLimits', { maxMessageBytes: 500 * 1024 * 1024 }), {
    code: 'invalid_input',
    message: 'maxMessageBytes must be at most 209,715,200.',
    field: 'maxMessageBytes',
  });
  assert.equal((await refusal('server.setLimits', { maxRecipients: 0 })).message, 'maxRecipients must be at least 1.');
  assert.equal((await refusal('server.setLimits', { maxRecipients: 2.5 })).message, 'maxRecipients must be a whole number.');
  assert.equal((await refusal('server.setListener', { encryption: 'none' })).message, 'port is required.');
  assert.equal((await refusal('server.setListener', { port: '587', encryption: 'none' })).message, 'port must be a number.');
  assert.equal(
    (await refusal('server.setListener', { port: 587, encryption: 'ssl' })).message,
    'encryption must be one of: none, starttls, starttls-required, tls.',
  );
  assert.deepEqual(await refusal('lists.create', { name: 'Office', colour: 'blue' }), {
    code: 'invalid_input',
    message: 'colour is not a known field.',
    field: 'colour',
  });
  assert.equal((await refusal('lists.create', { name: '  ' })).message, 'name must not be empty.');
  assert.equal((await refusal('users.update', { name: 'x'.repeat(65) })).message, 'name must be at most 64 characters.');
  assert.equal((await refusal('lists.create', 'Office')).message, 'The input must be an object.');
});
