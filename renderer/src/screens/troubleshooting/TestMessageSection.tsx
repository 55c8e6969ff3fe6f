import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useEffect, useState, type SyntheticEvent } from 'react';
import type { ApiClient } from '#api/client.js';
import type { TestMessageResult } from '#api/schemas/doctor.js';
import type { MessageDetail, MessageRow } from '#api/schemas/messages.js';
import { ActionProblem } from '../../components/ActionProblem.js';
import { Section } from '../../components/Section.js';
import { useAction } from '../../components/useAction.js';
import { UserPasswordFields } from './UserPasswordFields.js';

const FIELDS = ['user', 'password', 'from', 'to'] as const;

const WORDS: Record<MessageRow['status'], string> = {
  queued: 'Queued, waiting to be handed on',
  sending: 'Being handed to the upstream',
  deferred: 'Deferred: the upstream will be tried again',
  delivered: 'Delivered',
  'partly-delivered': 'Partly delivered',
  bounced: 'Bounced: the upstream refused it for good',
  deleted: 'Deleted from the queue',
  unknown: 'Outcome unknown',
};
const SEVERITY = { delivered: 'success', deferred: 'warning', bounced: 'error' } as const;

/** The message as the history has it, read again at each of its message.updated events. */
function useMessage(client: ApiClient, id: string | null): MessageDetail | null {
  const [detail, setDetail] = useState<MessageDetail | null>(null);
  useEffect(() => {
    setDetail(null);
    if (id === null) return;
    // Two reads can cross: the newer row wins.
    const keep = (read: MessageDetail) => setDetail((shown) => (shown && Date.parse(shown.updatedAt) > Date.parse(read.updatedAt) ? shown : read));
    const read = () => void client.call('messages.get', { id }).then(keep, () => undefined);
    // Subscribed before the first read, so no change between the two is missed.
    const unsubscribe = client.on('message.updated', (row) => row.id === id && read());
    read();
    return unsubscribe;
  }, [client, id]);
  return detail;
}

const time = (iso: string) => new Date(iso).toLocaleTimeString();

function Step({ at, text, reply }: { at: string; text: string; reply?: string | null }) {
  return (
    <li>
      <Typography variant="body2">
        <strong>{time(at)}</strong> {text}
      </Typography>
      {reply && (
        <Typography variant="body2" sx={{ fontFamily: 'monospace', overflowWrap: 'anywhere' }}>
          {reply}
        </Typography>
      )}
    </li>
  );
}

/** Accepted, each attempt with the server's answer, and where it stands now. */
function Steps({ message }: { message: MessageDetail }) {
  const next = message.status === 'deferred' && message.nextAttemptAt ? ` Next attempt at ${time(message.nextAttemptAt)}.` : '';
  return (
    <Box component="ol" aria-label="test message steps" sx={{ mt: 1, mb: 0, pl: 2.5 }}>
      <Step at={message.acceptedAt} text={`Accepted by the relay from ${message.user}.`} />
      {message.attemptList.map((attempt) => (
        <Step
          key={attempt.startedAt}
          at={attempt.startedAt}
          text={`Handed to ${attempt.remoteHost ?? 'the upstream'} (${attempt.durationMs} ms).`}
          reply={attempt.results.map((r) => r.response).join(' / ')}
        />
      ))}
      <Step at={message.updatedAt} text={`${WORDS[message.status]}.${next}`} reply={message.attemptList.length === 0 ? message.lastReply : null} />
    </Box>
  );
}

/** A test message sent through the relay as the user would, followed live through the history. */
export function TestMessageSection({ client }: { client: ApiClient }) {
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [result, setResult] = useState<TestMessageResult | null>(null);
  const action = useAction(FIELDS);
  const message = useMessage(client, result?.id ?? null);
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    setResult(null);
    void action.run(async () => {
      setResult(await client.call('doctor.sendTestMessage', { user, password, from, to }));
      setPassword('');
    });
  };
  const ended = message && message.status in SEVERITY ? SEVERITY[message.status as keyof typeof SEVERITY] : null;
  return (
    <Section
      id="test-message-title"
      title="Send a test message"
      intro="Sent through the relay's own port, logged in as the user, as a device sends; then followed until the upstream delivers, defers or bounces it."
    >
      <Stack component="form" direction={{ xs: 'column', md: 'row' }} spacing={1} onSubmit={submit} sx={{ alignItems: 'flex-start' }}>
        <UserPasswordFields user={user} password={password} onUser={setUser} onPassword={setPassword} errors={action.errors} />
        <TextField label="From" size="small" value={from} onChange={(e) => setFrom(e.target.value)} error={Boolean(action.errors.from)} helperText={action.errors.from} required />
        <TextField label="To" size="small" value={to} onChange={(e) => setTo(e.target.value)} error={Boolean(action.errors.to)} helperText={action.errors.to} required />
        <Button type="submit" variant="outlined" disabled={action.busy}>
          Send
        </Button>
      </Stack>
      <ActionProblem problem={action.problem} />
      {result && (
        <Alert severity={!result.sent ? 'error' : (ended ?? 'info')} sx={{ mt: 2 }} role="status" aria-label="test message">
          <Typography variant="body2">{result.explanation}</Typography>
          {result.reply && (
            <Typography variant="body2" sx={{ fontFamily: 'monospace', overflowWrap: 'anywhere' }}>
              {result.reply}
            </Typography>
          )}
          {message && <Steps message={message} />}
        </Alert>
      )}
    </Section>
  );
}
