import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiErrorSchema, CallResultSchema } from '../api/contract.js';
import { ErrorCodeSchema, httpStatusOf } from '../api/error-codes.js';

test('every error code has an HTTP status that says who is at fault', () => {
  for (const code of ErrorCodeSchema.options) {
    const status = httpStatusOf(code);
    assert.ok(status >= 400 && status < 600, `${code}: ${status}`);
    assert.equal(status >= 500, code === 'internal' || code === 'relay_not_running', code);
  }
  assert.equal(httpStatusOf('invalid_input'), 400);
  assert.equal(httpStatusOf('unknown_method'), 404);
  assert.equal(httpStatusOf('listener_exists'), 409);
});

test('a code that is not in the contract does not parse, so a misspelt one fails where it is made, not in the UI', () => {
  assert.equal(ApiErrorSchema.safeParse({ code: 'not_found', message: 'No such user.' }).success, true);
  assert.equal(ApiErrorSchema.safeParse({ code: 'notfound', message: 'No such user.' }).success, false);
  assert.equal(CallResultSchema.safeParse({ ok: false, error: { code: 'relay_down', message: 'x' } }).success, false);
});
