import Alert from '@mui/material/Alert';
import Typography from '@mui/material/Typography';
import { useCallback } from 'react';
import type { ApiClient } from '#api/client.js';
import { Section } from '../../components/Section.js';
import { useApiData } from '../../components/useApiData.js';
import { WithCommands } from '../../components/WithCommands.js';

/**
 * Where the key that encrypts the passwords and private keys is kept: the OS
 * keychain, or, on a machine without one, a key file, with the same notice
 * the host printed at start (what is where, and how to move it).
 */
export function SecretStorageSection({ client }: { client: ApiClient }) {
  const load = useCallback(() => client.call('secrets.storage', {}), [client]);
  const { value, error } = useApiData(load);
  return (
    <Section id="secret-storage-title" title="Passwords and keys">
      {error && <Alert severity="error">Where the key of the passwords is kept could not be read: {error}</Alert>}
      {value?.kind === 'keychain' && <Typography sx={{ mt: 1 }}>Encrypted with a key kept in {value.location}.</Typography>}
      {value?.notice && (
        <Alert severity="info" aria-label="key file notice" sx={{ mt: 1 }}>
          <WithCommands text={value.notice} />
        </Alert>
      )}
    </Section>
  );
}

