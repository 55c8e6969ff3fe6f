/**
 * `relay-desk service install|uninstall|status`: Relay Desk as a systemd
 * service (../service/). It works on this machine's system, not through a
 * running host, so it takes --root instead of --data-dir.
 */
import { resolve } from 'node:path';
import type { ServiceStatus } from '../service/install.js';
import { SERVICE_DATA_DIR, SERVICE_USER, UNIT_FILE } from '../service/systemd-unit.js';
import { parseStrict, subcommand, UsageError, type CommandGroup } from './args.js';
import { print, printJson } from './output.js';

const HELP = `Usage:
  relay-desk service install     create the ${SERVICE_USER} system user, write /etc/systemd/system/${UNIT_FILE}, enable and start it
  relay-desk service uninstall   stop, disable and remove the unit (the data folder and the user are kept)
  relay-desk service status      whether the unit is installed, enabled and running

Runs Relay Desk at boot on a Linux machine with no desktop session, as the
${SERVICE_USER} user with its data in ${SERVICE_DATA_DIR} and the vault key in a
key file there. The unit runs \`relay-desk serve\` the way this command was run
(this Node and this copy of Relay Desk), sandboxed by systemd, and may bind
ports 25 and 80 without root. The admin page stays on 127.0.0.1 of that machine:
reach it through an SSH tunnel (ssh -L 7025:127.0.0.1:7025 HOST), and get its
address with: sudo -u ${SERVICE_USER} relay-desk admin-url --data-dir ${SERVICE_DATA_DIR}

Needs root (sudo) and systemd. Linux only: on Windows and macOS the desktop app runs the relay.

Options:
  --root DIR   write (or remove, or look for) the unit under DIR instead of /, and touch nothing else:
               no user, no systemctl; for preparing an image or checking the unit
  --json       machine-readable output
  -h, --help   this help
`;

export const serviceGroup: CommandGroup = {
  name: 'service',
  subcommands: 'install|uninstall|status',
  summary: 'run Relay Desk at boot as a systemd service (Linux)',
  help: HELP,
  async run(args) {
    const sub = subcommand('service', args, ['install', 'uninstall', 'status']);
    const { values, positionals } = parseStrict(`service ${sub}`, args.slice(1), {
      root: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0] ?? ''}"`, `service ${sub}`);
    const root = values.root === undefined ? null : resolve(values.root);
    const service = await import('../service/install.js');
    if (sub === 'status') {
      const status = await service.serviceStatus({ root });
      if (values.json) printJson(status);
      else print(describeStatus(status));
      return 0;
    }
    const done = sub === 'install' ? await service.installService({ root, launch: service.currentLaunch() }) : await service.uninstallService({ root });
    if (values.json) printJson({ done });
    else print(done.join('\n'));
    return 0;
  },
};

function describeStatus(status: ServiceStatus): string {
  if (!status.installed) return `Not installed: there is no ${status.unit}. Install it with: sudo relay-desk service install`;
  const lines = [`Installed: ${status.unit}`, `Runs: ${status.execStart ?? '(no ExecStart)'}`];
  if (status.enabled === null) lines.push('systemd is not running here (or --root was given): whether it is enabled or running is not known.');
  else lines.push(`Enabled: ${status.enabled}`, `Active: ${status.active ?? 'unknown'}`);
  return lines.join('\n');
}
