/**
 * Whether the host's firewall shows the relay's ports open, read with the
 * first firewall tool installed (ufw, nft, iptables) and never changed.
 * Reading the rules usually needs root: then the check says it could not
 * read them instead of guessing. No tool installed: no check.
 */
import { execFile } from 'node:child_process';
import type { DoctorCheck } from '../../../api/schemas/doctor.js';

interface Tool {
  command: string;
  args: string[];
  /** Whether the rules let the port in; null when they do not say. */
  allows(output: string, port: number): boolean | null;
}

const mentionsOpen = (output: string, port: number, accept: RegExp) =>
  output.split('\n').some((line) => new RegExp(`\\bdport\\s+(\\{[^}]*\\b${port}\\b[^}]*\\}|${port}\\b)|\\b${port}(/tcp)?\\b`).test(line) && accept.test(line));

const TOOLS: Tool[] = [
  {
    command: 'ufw',
    args: ['status'],
    allows: (output, port) => (/Status: inactive/.test(output) ? true : mentionsOpen(output, port, /ALLOW/)),
  },
  {
    command: 'nft',
    args: ['list', 'ruleset'],
    allows: (output, port) => (mentionsOpen(output, port, /\baccept\b/) ? true : /hook input[^\n]*policy drop/.test(output) ? false : null),
  },
  {
    command: 'iptables',
    args: ['-S', 'INPUT'],
    allows: (output, port) => (mentionsOpen(output, port, /-j ACCEPT/) ? true : /^-P INPUT (DROP|REJECT)/m.test(output) ? false : null),
  },
];

function run(tool: Tool): Promise<{ missing: true } | { missing: false; output: string; error: string | null }> {
  return new Promise((resolve) => {
    execFile(tool.command, tool.args, { timeout: 5_000, env: { ...process.env, LC_ALL: 'C' } }, (err, stdout, stderr) => {
      // EACCES is what spawn reports for a missing command when a folder on the PATH cannot be searched by this user.
      const code = (err as NodeJS.ErrnoException | null)?.code;
      if (code === 'ENOENT' || code === 'EACCES') resolve({ missing: true });
      else resolve({ missing: false, output: stdout, error: err ? (stderr.trim().split('\n')[0] ?? err.message) : null });
    });
  });
}

export async function firewallCheck(ports: readonly number[]): Promise<DoctorCheck | null> {
  for (const tool of TOOLS) {
    const read = await run(tool);
    if (read.missing) continue;
    const base = { id: 'firewall', title: `Firewall (${tool.command})` };
    const shown = `${tool.command} ${tool.args.join(' ')}`;
    if (read.error !== null) {
      return {
        ...base,
        status: 'warning',
        summary: `Could not read the firewall's rules (${shown}: ${read.error}); whether it lets devices in is unknown.`,
        fix: `Run "sudo ${shown}" and check that port(s) ${ports.join(', ')} are allowed in.`,
        details: [],
      };
    }
    const closed = ports.filter((p) => tool.allows(read.output, p) === false);
    const unsaid = ports.filter((p) => tool.allows(read.output, p) === null);
    const details = read.output.trim().split('\n').slice(0, 40);
    if (closed.length > 0) {
      return { ...base, status: 'problem', summary: `The firewall shows no rule letting port(s) ${closed.join(', ')} in.`, fix: `Allow the port(s) in, e.g. "sudo ufw allow ${closed[0] ?? ''}/tcp".`, details };
    }
    const note = unsaid.length > 0 ? ` (port(s) ${unsaid.join(', ')} are not named; the rules do not refuse them)` : '';
    return { ...base, status: 'ok', summary: `The firewall lets the relay's port(s) in${note}.`, fix: null, details };
  }
  return null;
}
