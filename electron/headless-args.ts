/**
 * The packaged app's command line. The installers ship one program, the
 * Electron binary, and with the RunAsNode fuse off (electron-builder.yml) it
 * cannot act as Node; so `relay-desk <command>` runs in Electron's own main
 * process with no window (./headless.ts), the way Electron apps with a
 * command line of their own do. This module says which command lines are
 * the CLI's, and which Chromium switches a run on a machine with no display
 * needs (the systemd unit passes them).
 */

/**
 * `--ozone-platform=headless`: no X11 or Wayland display to connect to
 * (without it Chromium exits at start on a server that has none);
 * `--disable-gpu`: no GPU process; `--no-sandbox`: Chromium's sandbox needs
 * user namespaces or its setuid helper, which the systemd unit's own
 * sandbox takes away (RestrictNamespaces=, NoNewPrivileges=), and a
 * headless run loads no web content, the only thing it would confine.
 */
export const HEADLESS_SWITCHES = ['--ozone-platform=headless', '--disable-gpu', '--no-sandbox'] as const;

const HELP_WORDS = ['help', '--help', '-h'];

/**
 * The arguments a person gave: after the binary (and after the app's folder
 * when Electron runs an unpackaged app, `electron . status`), without the
 * headless switches, which are Chromium's and not the CLI's.
 */
export function userArguments(argv: readonly string[], defaultApp: boolean): string[] {
  const switches: readonly string[] = HEADLESS_SWITCHES;
  return argv.slice(defaultApp ? 2 : 1).filter((arg) => !switches.includes(arg));
}

/** A command line that starts with a command (or asks for help) is the CLI's; anything else opens the desktop app. */
export function isCommandLine(args: readonly string[], commands: readonly string[]): boolean {
  const first = args[0];
  return first !== undefined && (commands.includes(first) || HELP_WORDS.includes(first));
}
