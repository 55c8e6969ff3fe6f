/**
 * The host side of the contract: validates every input, runs the
 * implementation, validates the output, and turns any failure into the
 * contract's error shape. Both transports call exactly this.
 */
import { ApiError, isMethodName, methods, type ApiErrorBody, type ApiImplementation, type CallResult } from './contract.js';
import { describeIssue } from './input-errors.js';

export type Dispatch = (method: string, input: unknown) => Promise<CallResult>;

/**
 * `internalMessage` is what the caller is told of a failure of the host's
 * own: where its log is, where the details went by `onInternalError`.
 */
export function createDispatcher(impl: ApiImplementation, onInternalError: (err: unknown) => void, internalMessage: string): Dispatch {
  return async (method, input) => {
    if (!isMethodName(method)) {
      return { ok: false, error: unknownMethod(method) };
    }
    const spec = methods[method];
    const parsed = spec.input.safeParse(input ?? {}, { error: describeIssue });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const unknownKeys = issue?.code === 'unrecognized_keys';
      const field = (unknownKeys ? issue.keys[0] : issue?.path.join('.')) || undefined;
      const message = !issue ? 'The input is not valid.' : unknownKeys ? issue.message : `${field ?? 'The input'} ${issue.message}`;
      return { ok: false, error: new ApiError('invalid_input', message, field).toBody() };
    }
    try {
      // zod has checked the input against this very method's schema.
      const run = impl[method] as (input: unknown) => Promise<unknown>;
      const value = await run(parsed.data);
      return { ok: true, value: spec.output.parse(value) };
    } catch (err) {
      if (err instanceof ApiError) return { ok: false, error: err.toBody() };
      onInternalError(err);
      return { ok: false, error: { code: 'internal', message: internalMessage } };
    }
  };
}

/** The one answer to a call of a method the contract does not have, on every transport. */
export function unknownMethod(method: unknown): ApiErrorBody {
  const name = typeof method === 'string' ? method.slice(0, 100) : '';
  return { code: 'unknown_method', message: `There is no API method named "${name}".` };
}
