/**
 * The systemd unit that runs Relay Desk at boot on a machine with no desktop
 * session: `relay-desk serve` as the dedicated relay-desk user, its data in
 * /var/lib/relay-desk (made by systemd, private to that user), the vault key
 * in a key file there (no keychain without a login), and the sandbox systemd
 * offers a network daemon. The same text is written by `relay-desk service
 * install` (for node and this checkout) and shipped in the deb (for the
 * packaged app, assets/linux/relay-desk.service).
 */
import { HEADLESS_SWITCHES } from '../headless-args.js';

export const SERVICE_NAME = 'relay-desk';
export const UNIT_FILE = `${SERVICE_NAME}.service`;
export const SERVICE_USER = 'relay-desk';
export const SERVICE_DATA_DIR = '/var/lib/relay-desk';

/** How the unit starts the CLI: the program and the arguments before `serve`. */
export interface ServiceLaunch {
  command: readonly string[];
}

/**
 * The deb's app: electron-builder installs it in /opt/<productName>/. Its
 * Electron binary runs `relay-desk serve` itself, in its main process with
 * no window (electron/headless.ts), and the relay in a utility process: it
 * cannot act as Node (the RunAsNode fuse is off) and needs no second
 * runtime in the package. The switches let Chromium start with no display
 * and inside the unit's sandbox (../headless-args.ts).
 */
export const PACKAGED_LAUNCH: ServiceLaunch = {
  command: ['/opt/Relay Desk/relay-desk', ...HEADLESS_SWITCHES],
};

/** Folders systemd's ProtectHome= hides; an app installed under one needs them readable. */
const HOME_FOLDERS = ['/home/', '/root/', '/run/user/'];

/**
 * One word of a command line or an assignment as systemd reads it: `%` and
 * `$` would be specifiers and variables, and a word with spaces (the deb's
 * "/opt/Relay Desk") is quoted.
 */
export function systemdWord(text: string): string {
  const escaped = text.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  if (/^[\w@%$+=:,./-]+$/.test(escaped)) return escaped;
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function serviceUnit(launch: ServiceLaunch): string {
  const execStart = [...launch.command, 'serve', '--data-dir', SERVICE_DATA_DIR, '--secrets', 'file'].map(systemdWord).join(' ');
  const underHome = launch.command.some((part) => HOME_FOLDERS.some((home) => part.startsWith(home)));
  return `# Relay Desk as a system service, for a machine with no desktop session.
# \`relay-desk service install\` writes and enables it; \`relay-desk service uninstall\` removes it.
# The admin page stays on 127.0.0.1: reach it through an SSH tunnel (README, "Headless server").
[Unit]
Description=Relay Desk SMTP relay and web admin
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
User=${SERVICE_USER}
Group=${SERVICE_USER}
ExecStart=${execStart}
Restart=on-failure
RestartSec=5
# The data folder: made by systemd for the service user, private to it. No
# keychain without a login, so the vault key is a key file there (or a systemd
# credential: LoadCredentialEncrypted=vault-key:PATH in a drop-in).
StateDirectory=${SERVICE_NAME}
StateDirectoryMode=0700
UMask=0077
# Ports 25 and 80 without root, and no other privilege.
AmbientCapabilities=CAP_NET_BIND_SERVICE
CapabilityBoundingSet=CAP_NET_BIND_SERVICE
NoNewPrivileges=yes
# A read-only system but for the data folder${underHome ? "; the app lives under a home folder, so those stay readable" : ''}.
ProtectSystem=strict
ReadWritePaths=${SERVICE_DATA_DIR}
ProtectHome=${underHome ? 'read-only' : 'yes'}
PrivateTmp=yes
PrivateMounts=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
ProtectProc=invisible
# IP for SMTP, Unix sockets for the relay child's IPC, netlink for the LAN addresses shown to admins.
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
RemoveIPC=yes
SystemCallArchitectures=native
# The calls of a network service and V8's memory protection keys, none of the
# privileged ones (none showed up under strace); any other call fails instead
# of killing the relay.
SystemCallFilter=@system-service @pkey
SystemCallFilter=~@privileged
SystemCallErrorNumber=EPERM
# Not MemoryDenyWriteExecute: V8 compiles JavaScript to machine code at run time.

[Install]
WantedBy=multi-user.target
`;
}
