import { useCallback, useState } from 'react';
import { errorField, errorText } from './errors.js';

export type FieldErrors = Partial<Record<string, string>>;

export interface Action {
  busy: boolean;
  /** Host refusals (and local checks) by the field they are about, shown beside it. */
  errors: FieldErrors;
  /** A refusal that names no field of this form. */
  problem: string | null;
  /** Runs one call; resolves with whether it succeeded. */
  run: (work: () => Promise<void>) => Promise<boolean>;
  /** Shows local checks' errors without calling the host. */
  refuse: (errors: FieldErrors) => void;
  /** Forgets a field's error once the admin changes it. */
  clear: (field: string) => void;
}

/** One form's call to the host: busy while it runs, and its error put beside the field it names. */
export function useAction(fields: readonly string[]): Action {
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<string | null>(null);
  const run = useCallback(
    async (work: () => Promise<void>) => {
      setBusy(true);
      setErrors({});
      setProblem(null);
      try {
        await work();
        return true;
      } catch (err) {
        const field = errorField(err);
        if (field && fields.includes(field)) setErrors({ [field]: errorText(err) });
        else setProblem(errorText(err));
        return false;
      } finally {
        setBusy(false);
      }
    },
    [fields],
  );
  const refuse = useCallback((next: FieldErrors) => {
    setErrors(next);
    setProblem(null);
  }, []);
  const clear = useCallback((field: string) => setErrors((e) => (e[field] ? { ...e, [field]: undefined } : e)), []);
  return { busy, errors, problem, run, refuse, clear };
}
