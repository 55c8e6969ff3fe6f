import Alert from '@mui/material/Alert';
import FormControlLabel from '@mui/material/FormControlLabel';
import Switch from '@mui/material/Switch';
import Typography from '@mui/material/Typography';
import { useCallback, useEffect } from 'react';
import type { ApiClient } from '#api/client.js';
import { ApiError } from '#api/contract.js';
import type { LoginItemView } from '#api/schemas/app.js';
import { ActionProblem } from '../../components/ActionProblem.js';
import { Section } from '../../components/Section.js';
import { useAction } from '../../components/useAction.js';
import { useApiData } from '../../components/useApiData.js';
import { WithCommands } from '../../components/WithCommands.js';

const NO_FIELDS: readonly string[] = [];

/** The desktop app's setting, or, from a host that has none (`relay-desk serve`), where starting at boot lives instead. */
type LoginItemAnswer = { view: LoginItemView } | { elsewhere: string };

/**
 * Start at login: a switch in the desktop app, kept current when the tray
 * changes it too; in a browser, a word on the desktop app and the systemd
 * service, which is how a server starts Relay Desk.
 */
export function StartAtLoginSection({ client }: { client: ApiClient }) {
  const load = useCallback(
    () =>
      client.call('app.loginItem', {}).then(
        (view): LoginItemAnswer => ({ view }),
        (err: unknown): LoginItemAnswer => {
          if (err instanceof ApiError && err.code === 'not_supported') return { elsewhere: err.message };
          throw err;
        },
      ),
    [client],
  );
  const { value, error, set } = useApiData(load);
  useEffect(() => client.on('app.loginItem', (view) => set(() => ({ view }))), [client, set]);
  const action = useAction(NO_FIELDS);
  const change = (enabled: boolean) =>
    void action.run(async () => {
      const view = await client.call('app.setLoginItem', { enabled });
      set(() => ({ view }));
    });
  return (
    <Section id="start-at-login-title" title="Start at login">
      {error && <Alert severity="error">Whether Relay Desk starts at login could not be read: {error}</Alert>}
      {value && 'view' in value && (
        <>
          <FormControlLabel
            control={<Switch checked={value.view.enabled} disabled={action.busy} onChange={(event) => change(event.target.checked)} />}
            label="Start Relay Desk when I log in"
          />
          <Typography variant="body2" color="text.secondary">
            It starts in the tray with no window, and the relay takes mail from then on. The setting is kept in {value.view.where}.
          </Typography>
        </>
      )}
      {value && 'elsewhere' in value && (
        <Typography sx={{ mt: 1 }}>
          <WithCommands text={value.elsewhere} />
        </Typography>
      )}
      <ActionProblem problem={action.problem} />
    </Section>
  );
}
