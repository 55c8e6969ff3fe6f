import Switch from '@mui/material/Switch';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
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

/** Each kind on or off for every list, with its threshold where it has one. */
export function RulesSection({ client, view, onView }: { client: ApiClient; view: AlertsView; onView: (v: AlertsView) => void }) {
  const action = useAction([]);
  const save = (input: MethodInput<'alerts.rule.set'>) => void action.run(async () => onView(await client.call('alerts.rule.set', input)));
  const general = view.rules.filter((r) => r.list === null);
  return (
    <Section id="alert-rules" title="Rules" intro="Which happenings raise an alert. A list's own rules are set with relay-desk alerts rule set KIND on|off --list L.">
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
          {general.map((r) => (
            <TableRow key={r.kind}>
              <TableCell id={`rule-${r.kind}`}>{KIND_LABELS[r.kind]}</TableCell>
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
