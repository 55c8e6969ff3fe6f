/**
 * Flags for every command: node:util parseArgs in strict mode, with its
 * errors turned into one line that says what is wrong and where the help is,
 * and the small value checks (numbers, yes/no, choices) every group needs.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { resolve } from 'node:path';
import { defaultDataDir } from '../host/paths.js';

/** One command group (list, user, sender, ...): its help, and running it with the arguments after its name. */
export interface CommandGroup {
  readonly name: string;
  /** Its subcommands for \`relay-desk --help\`, e.g. "add|ls" ("" for none). */
  readonly subcommands: string;
  /** What it is for, in a few words. */
  readonly summary: string;
  readonly help: string;
  /** Resolves with the exit code; throws UsageError or CliError (or the API's ApiError) to fail with one line. */
  run(args: string[]): Promise<number>;
}

/** Wrong flags or arguments: exit code 2, and the message ends with where the help is. */
export class UsageError extends Error {
  constructor(what: string, command?: string) {
    super(`${what}; see relay-desk ${command ? `${command} ` : ''}--help`);
    this.name = 'UsageError';
  }
}

/** Anything else that stops a command (host not running, keychain, API refusals): exit code 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
/** What parseArgs returns for these options in strict mode, typed per option. */
type Parsed<O extends OptionsConfig> = ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: true }>>;

/** Flags every command but serve takes. */
export const COMMON_OPTIONS = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const COMMON_HELP = `Options every command takes:
  --data-dir DIR   the data folder of the Relay Desk to talk to (default: ${defaultDataDir()})
  --json           machine-readable output (JSON on standard output)
  -h, --help       this help
A failure prints one line on standard error and exits 1 (2 for wrong flags or arguments).
`;

/** Whether the user asked for help anywhere before a "--" (after it, "-h" would be a value). */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/**
 * Parses one command's flags plus the common ones; `names` are the
 * positional arguments it needs, all required, e.g. ['USER'].
 */
export function parseCommand<O extends OptionsConfig>(
  command: string,
  args: string[],
  options: O,
  names: readonly string[] = [],
): Parsed<O & typeof COMMON_OPTIONS> {
  const parsed = parseStrict(command, args, { ...options, ...COMMON_OPTIONS });
  const { positionals } = parsed;
  if (positionals.length < names.length) throw new UsageError(`${command} needs ${names.slice(positionals.length).join(' ')}`, command);
  if (positionals.length > names.length) throw new UsageError(`unexpected argument "${positionals[names.length] ?? ''}"`, command);
  return parsed;
}

/** parseArgs in strict mode, its errors as UsageError. */
export function parseStrict<O extends OptionsConfig>(command: string, args: string[], options: O): Parsed<O> {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(describeParseError(err), command);
  }
}

/** parseArgs explains itself at length, with hints about "--"; the first sentence is the useful part. */
function describeParseError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const message = e.message ?? String(err);
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `Unknown option '${quoted}'`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(message)) return `${quoted} takes no value`;
      // A value starting with "-" looks like the next flag: "--note -x" is ambiguous, "--note=-x" is not.
      if (/ambiguous/.test(message)) return `${quoted} needs a value (one starting with "-" is written ${quoted}=-VALUE)`;
      return `${quoted.replace(/ <value>$/, '')} needs a value`;
    default:
      return message.split('. ')[0] ?? message;
  }
}

/** The data folder a command talks to, absolute so messages can be copied from anywhere. */
export function dataDirOf(values: { 'data-dir'?: string | undefined }): string {
  return resolve(values['data-dir'] ?? defaultDataDir());
}

export function integer(text: string, flag: string, command: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got "${text}"`, command);
  return n;
}

export function port(text: string, flag: string, command: string): number {
  return integer(text, flag, command, 1, 65535);
}

export function choice<const C extends string>(text: string, flag: string, command: string, choices: readonly C[]): C {
  const found = choices.find((c) => c === text.toLowerCase());
  if (found === undefined) throw new UsageError(`${flag} must be ${choices.join(', ').replace(/, ([^,]+)$/, ' or $1')}, got "${text}"`, command);
  return found;
}

export function yesNo(text: string, flag: string, command: string): boolean {
  return choice(text, flag, command, ['yes', 'no']) === 'yes';
}

/** Picks the subcommand (the first argument) from a group's; aliases map to a canonical name. */
export function subcommand<const S extends string>(group: string, args: string[], subs: readonly S[], aliases: Record<string, S> = {}): S {
  const first = args[0];
  if (first === undefined || first.startsWith('-')) throw new UsageError(`${group} needs a command: ${subs.join(', ')}`, group);
  const found = subs.find((s) => s === first) ?? aliases[first];
  if (found === undefined) throw new UsageError(`unknown command "${group} ${first}"`, group);
  return found;
}

const AGO = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A time as the user may type it (a date, a local time, or a time ago: 30m, 12h, 7d), as the API's ISO time. */
export function time(text: string, flag: string, command: string, now = Date.now()): string {
  const ago = /^(\d{1,6})([mhd])$/.exec(text.trim());
  if (ago) return new Date(now - Number(ago[1]) * AGO[ago[2] as keyof typeof AGO]).toISOString();
  // A date alone is the local midnight that starts it; a time without a zone is local time (as Date reads it).
  const local = /^\d{4}-\d\d-\d\d$/.test(text.trim()) ? `${text.trim()}T00:00` : text.trim();
  const at = Date.parse(local);
  if (!/^\d{4}-\d\d-\d\d/.test(local) || Number.isNaN(at)) {
    throw new UsageError(`${flag} must be a date (2026-12-01), a time (2026-12-01T09:30) or a time ago (30m, 12h, 7d), got "${text}"`, command);
  }
  return new Date(at).toISOString();
}
