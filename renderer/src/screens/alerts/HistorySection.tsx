import Link from '@mui/material/Link';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { AlertHistoryEntry } from '#api/schemas/alerts.js';
import { Section } from '../../components/Section.js';
import { KIND_LABELS } from './RulesSection.js';

/** The alerts sent, newest first; one about a message links to it on the Messages screen. */
export function HistorySection({ entries, onOpenMessage }: { entries: AlertHistoryEntry[]; onOpenMessage: (id: string) => void }) {
  return (
    <Section id="alert-history" title="History" intro="The alerts sent (the newest 1,000 are kept): when, what, where, and whether it went out.">
      {entries.length === 0 ? (
        <Typography color="text.secondary">No alert has been sent yet.</Typography>
      ) : (
        <Table size="small" aria-labelledby="alert-history">
          <TableHead>
            <TableRow>
              <TableCell>When</TableCell>
              <TableCell>Alert</TableCell>
              <TableCell>Channel</TableCell>
              <TableCell>Result</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {entries.map((e, i) => (
              <TableRow key={`${e.at}-${i}`}>
                <TableCell sx={{ whiteSpace: 'nowrap' }}>{new Date(e.at).toLocaleString()}</TableCell>
                <TableCell>
                  <Typography variant="body2">{e.title}</Typography>
                  <Typography variant="caption" color="text.secondary">
                    {KIND_LABELS[e.kind]}
                    {e.messageId && (
                      <>
                        {' · '}
                        <Link component="button" variant="caption" onClick={() => onOpenMessage(e.messageId ?? '')}>
                          message {e.messageId}
                        </Link>
                      </>
                    )}
                  </Typography>
                </TableCell>
                <TableCell>{e.channel}</TableCell>
                <TableCell>
                  <Typography variant="body2" color={e.delivered ? 'success.main' : 'error.main'}>
                    {e.delivered ? 'Delivered' : 'Not delivered'}
                  </Typography>
                  <Typography variant="caption" color="text.secondary">
                    {e.detail}
                  </Typography>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Section>
  );
}
