import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import { useState, type SyntheticEvent } from 'react';
import type { ApiClient } from '#api/client.js';
import type { LoginTestResult } from '#api/schemas/doctor.js';
import { ActionProblem } from '../../components/ActionProblem.js';
import { Section } from '../../components/Section.js';
import { useAction } from '../../components/useAction.js';
import { UserPasswordFields } from './UserPasswordFields.js';

const FIELDS = ['user', 'password'] as const;

/** A user name and password tried as the relay checks a login; the password is sent once and not kept. */
export function LoginTestSection({ client }: { client: ApiClient }) {
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [result, setResult] = useState<LoginTestResult | null>(null);
  const action = useAction(FIELDS);
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    setResult(null);
    void action.run(async () => {
      setResult(await client.call('doctor.testLogin', { user, password }));
      setPassword('');
    });
  };
  return (
    <Section
      id="login-test-title"
      title="Test a login"
      intro="Tried as the relay checks a device's login, sending nothing. A wrong password counts toward blocking this computer's logins, as a real one does."
    >
      <Stack component="form" direction={{ xs: 'column', sm: 'row' }} spacing={1} onSubmit={submit} sx={{ alignItems: 'flex-start' }}>
        <UserPasswordFields user={user} password={password} onUser={setUser} onPassword={setPassword} errors={action.errors} />
        <Button type="submit" variant="outlined" disabled={action.busy}>
          Test
        </Button>
      </Stack>
      <ActionProblem problem={action.problem} />
      {result && (
        <Alert severity={result.result === 'ok' ? 'success' : 'error'} sx={{ mt: 2 }} role="status">
          {result.explanation}
        </Alert>
      )}
    </Section>
  );
}
