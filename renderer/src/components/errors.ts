import { ApiError } from '#api/contract.js';

/** The message to show for a failed call. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The form field an API error is about, if it names one. */
export function errorField(err: unknown): string | undefined {
  return err instanceof ApiError ? err.field : undefined;
}
