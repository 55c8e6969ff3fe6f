import Switch from '@mui/material/Switch';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { ApiClient } from '#api/client.js';
import type { MethodInput } from '#api/contract.js';
import type { AlertRule, AlertsView } from '#api/schemas/alerts.js';
import { ActionProblem } from '../../components/ActionProblem.js';
import { Section } from '../../components/Section.js';
import { useAction } from '../../components/useAction.js';

export const KIND_LABELS: Record<AlertRule['kind'] | 'test' | 'digest', string> = {
  'user-blocked': 'User blocked (failed logins, rate limit)',
  'sender-refused': 'Sender not authorized',
  'message-bounced': 'Message bounced',
  'delivery-problem': 'Delivery problem (upstream, deferred mail, queue)',
  'certificate-expiring': 'TLS certificate expiring',
  'relay-down': 'Relay stopped or a port not opened',
  test: 'Test alert',
  digest: 'Digest',
};

/** What a kind's threshold counts, short enough for its field (THRESHOLD_UNITS says it whole). */
const THRESHOLD_LABELS: Partial<Record<AlertRule['kind'], string>> = {
  'user-blocked': 'failed logins',
  'delivery-problem': 'minutes deferred',
  'certificate-expiring': 'days before expiry',
};

/** A number field that sends its value when the admin leaves it. */
function ThresholdField({ label, value, onSave }: { label: string; value: number; onSave: (n: number) => void }) {
  const [text, setText] = useState(String(value));
  return (
    <TextField
      size="small"
      type="number"
      label={label}
      value={text}
      onChange={(e) => setText(e.target.value)}
      onBlur={() => {
        const n = Number(text);
        if (Number.isInteger(n) && n > 0 && n !== value) onSave(n);
      }}
      sx={{ width: 150 }}
      slotProps={{ htmlInput: { min: 1 } }}
    />
  );
}

/** Kinds about one list's mail; the others (upstream, certificate, relay) belong to no list. */
const PER_LIST: readonly AlertRule['kind'][] = ['user-blocked', 'sender-refused', 'message-bounced'];

interface Props {
  client: ApiClient;
  view: AlertsView;
  /** The list chosen at the top; '' for every list. */
  list: string;
  onView: (v: AlertsView) => void;
}

/** Each kind on or off, with its threshold where it has one: for every list, or the chosen list's own (its kinds only). */
export function RulesSection({ client, view, list, onView }: Props) {
  const action = useAction([]);
  const save = (input: Omit<MethodInput<'alerts.rule.set'>, 'list'>) =>
    void action.run(async () => onView(await client.call('alerts.rule.set', list ? { ...input, list } : input)));
  const general = view.rules.filter((r) => r.list === null && (!list || PER_LIST.includes(r.kind)));
  const rows = general.map((g) => ({ rule: (list && view.rules.find((r) => r.kind === g.kind && r.list === list)) || g, inherited: Boolean(list) && !view.rules.some((r) => r.kind === g.kind && r.list === list) }));
  const intro = list
    ? `The rules of ${list}'s mail; a kind it has no rule of its own for follows the one for every list. Choose All lists for the upstream, the certificate and the relay.`
    : 'Which happenings raise an alert, for every list; choose a list at the top to give it rules of its own.';
  return (
    <Section id="alert-rules" title={list ? `Rules of ${list}` : 'Rules'} intro={intro}>
      <ActionProblem problem={action.problem} />
      <Table size="small" aria-labelledby="alert-rules">
        <TableHead>
          <TableRow>
            <TableCell>Alert</TableCell>
            <TableCell>On</TableCell>
            <TableCell>Threshold</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map(({ rule: r, inherited }) => (
            <TableRow key={`${list}:${r.kind}`}>
              <TableCell id={`rule-${r.kind}`}>
                {KIND_LABELS[r.kind]}
                {inherited && (
                  <Typography variant="caption" color="text.secondary" component="div">
                    as for every list
                  </Typography>
                )}
              </TableCell>
              <TableCell>
                <Switch checked={r.on} disabled={action.busy} onChange={(e) => save({ kind: r.kind, on: e.target.checked })} slotProps={{ input: { 'aria-labelledby': `rule-${r.kind}` } }} />
              </TableCell>
              <TableCell>
                {r.threshold !== null && (
                  <ThresholdField label={THRESHOLD_LABELS[r.kind] ?? 'threshold'} value={r.threshold} onSave={(threshold) => save({ kind: r.kind, on: r.on, threshold })} />
                )}
                {r.queueThreshold !== null && (
                  <ThresholdField label="messages queued" value={r.queueThreshold} onSave={(queueThreshold) => save({ kind: r.kind, on: r.on, queueThreshold })} />
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Section>
  );
}
