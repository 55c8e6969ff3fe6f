/**
 * A password for a command, from standard input only, so it never shows in
 * `ps` or the shell's history. At a terminal it is asked for and not echoed;
 * piped, all of standard input is the password, less the line break `echo`
 * or a here-string adds.
 */
import { CliError } from './args.js';

async function prompt(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  let typed = '';
  try {
    for await (const chunk of stdin) {
      for (const char of chunk as string) {
        if (char === '\r' || char === '\n') return typed;
        if (char === '\u0003') throw new CliError('cancelled');
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    }
    return typed;
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}

export async function readPassword(what: string): Promise<string> {
  let password: string;
  if (process.stdin.isTTY) password = await prompt('Password: ');
  else {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  }
  if (password === '') throw new CliError(`${what}: no password was given`);
  return password;
}
