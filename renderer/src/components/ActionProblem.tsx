import Alert from '@mui/material/Alert';

/** Below a form: what went wrong with its action that no field is to blame for. */
export function ActionProblem({ problem }: { problem: string | null }) {
  if (!problem) return null;
  return (
    <Alert severity="error" sx={{ mt: 1 }}>
      {problem}
    </Alert>
  );
}
