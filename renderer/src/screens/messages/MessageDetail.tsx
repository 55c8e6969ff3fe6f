import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Divider from '@mui/material/Divider';
import Drawer from '@mui/material/Drawer';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useCallback, type ReactNode } from 'react';
import type { ApiClient } from '#api/client.js';
import type { MessageDetail as Detail } from '#api/schemas/messages.js';
import { useApiData } from '../../components/useApiData.js';
import { byteSize, dateTime, STATUS_WORDS } from './messageWords.js';

const PAPER = { role: 'dialog', 'aria-labelledby': 'message-title', sx: { width: { xs: '100%', sm: 560 }, p: 3 } };

/** One step of the message's timeline. */
function Step({ at, title, children }: { at: string; title: ReactNode; children?: ReactNode }) {
  return (
    <Box component="li" sx={{ mb: 1.5 }}>
      <Typography variant="body2" color="text.secondary">
        {dateTime(at)}
      </Typography>
      <Typography variant="body2" sx={{ fontWeight: 600 }}>
        {title}
      </Typography>
      {children}
    </Box>
  );
}

function Timeline({ message }: { message: Detail }) {
  return (
    <Box component="ol" sx={{ listStyle: 'none', p: 0, m: 0 }} aria-label="timeline">
      <Step at={message.acceptedAt} title={`Accepted from ${message.user}${message.tls ? ' over TLS' : ''}`} />
      {message.attemptList.map((attempt, i) => (
        <Step
          key={attempt.startedAt + String(i)}
          at={attempt.startedAt}
          title={`Attempt ${i + 1}${attempt.remoteHost ? ` to ${attempt.remoteHost}` : ''} (${(attempt.durationMs / 1000).toFixed(1)} s)`}
        >
          {attempt.results.map((r) => (
            <Typography key={r.recipient} variant="body2" sx={{ wordBreak: 'break-word' }}>
              {r.recipient}: {r.status} — {r.response}
            </Typography>
          ))}
        </Step>
      ))}
      {message.bounce && (
        <Step at={message.bounce.at} title={message.bounce.id ? `Bounce sent to the sender (${message.bounce.id})` : 'Bounced (no one to tell: null sender)'}>
          <Typography variant="body2">{message.bounce.reason}</Typography>
        </Step>
      )}
    </Box>
  );
}

/** The panel beside the grid: where one message went, step by step, and what the relay added to it. */
export function MessageDetail({ client, id, onClose }: { client: ApiClient; id: string; onClose: () => void }) {
  const load = useCallback(() => client.call('messages.get', { id }), [client, id]);
  const { value: message, error } = useApiData(load);
  return (
    <Drawer anchor="right" open onClose={onClose} slotProps={{ paper: PAPER }}>
      <Stack direction="row" sx={{ alignItems: 'center', mb: 2 }}>
        <Typography variant="h6" component="h2" id="message-title" sx={{ flexGrow: 1 }}>
          Message {id}
        </Typography>
        <Button onClick={onClose}>Close</Button>
      </Stack>
      {error && <Alert severity="error">{error}</Alert>}
      {message && (
        <Stack spacing={2}>
          <Box>
            <Chip color={STATUS_WORDS[message.status].color} label={STATUS_WORDS[message.status].label} size="small" sx={{ mb: 1 }} />
            <Typography variant="body1" sx={{ fontWeight: 600, wordBreak: 'break-word' }}>
              {message.subject || '(no subject)'}
            </Typography>
            <Typography variant="body2">
              From {message.fromName ? `${message.fromName} <${message.from}>` : message.from} (envelope {message.envelopeFrom || '<>'}), user {message.user}, list {message.list}
            </Typography>
            <Typography variant="body2" color="text.secondary">
              {byteSize(message.size)}
              {message.campaignCode ? ` · campaign ${message.campaignCode}` : ''}
              {message.nextAttemptAt ? ` · next attempt ${dateTime(message.nextAttemptAt)}` : ''}
            </Typography>
          </Box>
          <Divider />
          <Typography variant="subtitle1" component="h3">
            Recipients
          </Typography>
          <Table size="small" aria-label="recipients">
            <TableHead>
              <TableRow>
                <TableCell>Address</TableCell>
                <TableCell>Status</TableCell>
                <TableCell>Last answer</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {message.recipientList.map((r) => (
                <TableRow key={r.address}>
                  <TableCell sx={{ wordBreak: 'break-all' }}>{r.address}</TableCell>
                  <TableCell>{r.status}</TableCell>
                  <TableCell sx={{ wordBreak: 'break-word' }}>{r.reply ?? ''}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Typography variant="subtitle1" component="h3">
            Timeline
          </Typography>
          <Timeline message={message} />
          {message.addedHeaders.length > 0 && (
            <>
              <Typography variant="subtitle1" component="h3">
                Headers the relay added
              </Typography>
              <Box component="pre" sx={{ m: 0, p: 1.5, bgcolor: 'action.hover', borderRadius: 1, fontSize: 12, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                {message.addedHeaders.join('\n')}
              </Box>
            </>
          )}
        </Stack>
      )}
    </Drawer>
  );
}
