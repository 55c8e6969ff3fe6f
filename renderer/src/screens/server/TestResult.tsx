import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';

/** The answer of "Test connection": the server's own words, or what failed and what to check. */
export function TestResult({ result }: { result: { ok: boolean; response: string } }) {
  return (
    <Alert severity={result.ok ? 'success' : 'error'} role="status" aria-label="connection test result">
      <AlertTitle>{result.ok ? 'The smarthost answered' : 'The connection test failed'}</AlertTitle>
      {result.response}
    </Alert>
  );
}
