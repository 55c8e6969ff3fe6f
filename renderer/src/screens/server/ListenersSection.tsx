import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { ApiClient } from '#api/client.js';
import type { RelayState } from '#api/contract.js';
import type { ServerView } from '#api/schemas/server.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { Section } from '../../components/Section.js';
import { AddListenerForm } from './AddListenerForm.js';
import { ALLOWED_PORTS } from './listenerChoices.js';
import { ListenerRow } from './ListenerRow.js';

export interface ListenersSectionProps {
  client: ApiClient;
  server: ServerView;
  state: RelayState | null;
  onSaved: (view: ServerView) => void;
}

/** The ports mail clients connect to: each one's encryption and live state, a way to add one and to remove one. */
export function ListenersSection({ client, server, state, onSaved }: ListenersSectionProps) {
  const [removing, setRemoving] = useState<number | null>(null);
  const remove = async (port: number) => {
    onSaved(await client.call('server.removeListener', { port }));
    setRemoving(null);
  };
  return (
    <Section id="listeners-title" title="Listening ports">
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
        Mail clients, scanners and apps connect to one of these ports on this computer. The relay can listen on:
      </Typography>
      <Typography component="ul" variant="body2" color="text.secondary" sx={{ mt: 0, pl: 3 }}>
        {ALLOWED_PORTS.map((p) => (
          <li key={p.ports}>
            <strong>{p.ports}</strong>: {p.why}
          </li>
        ))}
      </Typography>
      <Table size="small" aria-label="configured ports" sx={{ mb: 3 }}>
        <TableHead>
          <TableRow>
            <TableCell>Port</TableCell>
            <TableCell>Encryption</TableCell>
            <TableCell sx={{ whiteSpace: 'nowrap' }}>TLS before login</TableCell>
            <TableCell>Status</TableCell>
            <TableCell align="right">Remove</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {server.listeners.map((l) => (
            <ListenerRow
              // A saved change starts the row afresh from the stored settings.
              key={`${l.port}-${l.encryption}-${l.requireTlsForAuth}`}
              client={client}
              listener={l}
              state={state}
              onSaved={onSaved}
              onRemove={() => setRemoving(l.port)}
            />
          ))}
        </TableBody>
      </Table>
      <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600, mb: 1.5 }}>
        Add a port
      </Typography>
      <AddListenerForm client={client} onSaved={onSaved} />
      {removing !== null && (
        <ConfirmDialog title={`Remove port ${removing}?`} confirmLabel="Remove port" danger onConfirm={() => remove(removing)} onClose={() => setRemoving(null)}>
          <RemovalConsequence port={removing} state={state} />
        </ConfirmDialog>
      )}
    </Section>
  );
}

/** What removing a port changes for mail clients, from its live state: nothing, when the relay never managed to open it. */
function RemovalConsequence({ port, state }: { port: number; state: RelayState | null }) {
  if (state?.listeners.find((l) => l.port === port)?.status === 'error') {
    return (
      <>
        The relay could not open port <strong>{port}</strong>, so no mail client can have sent through it: removing it only takes it off this list.
      </>
    );
  }
  return (
    <>
      The relay stops listening on port <strong>{port}</strong> at once: mail clients, scanners and apps set up with it can no longer send until they
      are changed to another port.
    </>
  );
}
