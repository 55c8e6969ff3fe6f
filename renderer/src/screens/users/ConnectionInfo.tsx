import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { ServerView } from '#api/schemas/server.js';
import { CopyButton } from '../../components/CopyButton.js';
import { Section } from '../../components/Section.js';

/** What to choose in a mail client for this port. */
function encryptionNote(l: ServerView['listeners'][number]): string {
  switch (l.encryption) {
    case 'none':
      return 'Encryption: none';
    case 'starttls':
      return l.requireTlsForAuth ? 'Encryption: STARTTLS (required to log in)' : 'Encryption: STARTTLS, or none for devices that cannot use it';
    case 'starttls-required':
      return 'Encryption: STARTTLS (required)';
    case 'tls':
      return 'Encryption: SSL/TLS';
  }
}

function Line({ label, value, what, note, warning }: { label: string; value: string; what: string; note?: string; warning?: string }) {
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
      <Typography color="text.secondary" sx={{ width: 110, flexShrink: 0 }}>
        {label}
      </Typography>
      <Typography sx={{ fontFamily: 'monospace', userSelect: 'all' }}>{value}</Typography>
      <CopyButton text={value} what={what} />
      {note && <Typography color="text.secondary" variant="body2">{note}</Typography>}
      {warning && <Typography color="warning.main" variant="body2">{warning}</Typography>}
    </Stack>
  );
}

/** What to enter in a mail client's outgoing server settings. */
export function ConnectionInfo({ server }: { server: ServerView }) {
  return (
    <Section id="connection-title" title="Outgoing mail server settings">
      <Typography color="text.secondary" variant="body2" gutterBottom>
        Enter these in each mail client, scanner or app, with the user name and password of one SMTP user below.
      </Typography>
      <Stack spacing={0.5}>
        <Line label="Server" value={server.hostname} what={`server name ${server.hostname}`} note="this computer's name" />
        {server.lanAddresses.map((address) => (
          <Line key={address} label="or address" value={address} what={`server address ${address}`} />
        ))}
        {server.listeners.length === 0 && <Typography color="warning.main">No port is configured: mail clients cannot connect yet.</Typography>}
        {server.listeners.map((l) => (
          <Line
            key={l.port}
            label="Port"
            value={String(l.port)}
            what={`port ${l.port}`}
            note={encryptionNote(l)}
            {...(l.clearTextLogins ? { warning: 'Logins without TLS allowed: passwords cross the network readable.' } : {})}
          />
        ))}
      </Stack>
    </Section>
  );
}
