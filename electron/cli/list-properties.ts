/**
 * `relay-desk list set L --header on|off --footer on|off` and the
 * `--header-text-file F` family: a list's message properties from files the
 * admin wrote (UTF-8), and one line saying what the list now adds.
 */
import { readFile } from 'node:fs/promises';
import type { MethodInput } from '../api/contract.js';
import type { Decoration, MessagePropertiesView } from '../api/schemas/message-properties.js';
import { choice, CliError } from './args.js';
import { errnoCode } from '../../relay/shared/errors.js';

export const PROPERTY_OPTIONS = {
  header: { type: 'string' },
  footer: { type: 'string' },
  'header-text-file': { type: 'string' },
  'header-html-file': { type: 'string' },
  'footer-text-file': { type: 'string' },
  'footer-html-file': { type: 'string' },
} as const;

export const PROPERTY_HELP = `  relay-desk list set NAME [--header on|off] [--footer on|off]
                          [--header-text-file F] [--header-html-file F] [--footer-text-file F] [--footer-html-file F]
                                     the header and footer added to the list's messages: the text version to
                                     the first text/plain part, the HTML version to the first text/html part
                                     (files in UTF-8; an empty file removes that version). A message's
                                     X-SMTPAPI {"Header": false} or {"Footer": false} leaves one out, and true
                                     adds one that is off, where the list has it written`;

type Values = { [K in keyof typeof PROPERTY_OPTIONS]?: string | undefined };
type Change = Pick<Decoration, 'text' | 'html'> & { on: boolean };

async function fileText(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError(`${flag}: cannot read ${path} (${errnoCode(err) ?? 'error'})`);
  }
}

async function change(values: Values, which: 'header' | 'footer', command: string): Promise<Partial<Change> | undefined> {
  const found: Partial<Change> = {};
  const onOff = values[which];
  if (onOff !== undefined) found.on = choice(onOff, `--${which}`, command, ['on', 'off']) === 'on';
  const text = values[`${which}-text-file`];
  if (text !== undefined) found.text = await fileText(text, `--${which}-text-file`);
  const html = values[`${which}-html-file`];
  if (html !== undefined) found.html = await fileText(html, `--${which}-html-file`);
  return Object.keys(found).length > 0 ? found : undefined;
}

/** The messageProperties.set input the flags ask for; null when they ask for nothing. */
export async function propertiesChange(values: Values, list: string, command: string): Promise<MethodInput<'messageProperties.set'> | null> {
  const header = await change(values, 'header', command);
  const footer = await change(values, 'footer', command);
  if (!header && !footer) return null;
  return { list, ...(header ? { header } : {}), ...(footer ? { footer } : {}) };
}

function describe(name: string, d: Decoration): string {
  const versions = [d.text !== '' ? `text ${d.text.length} characters` : '', d.html !== '' ? `HTML ${d.html.length} characters` : ''].filter(Boolean);
  return `${name} ${d.on ? 'on' : 'off'} (${versions.length > 0 ? versions.join(', ') : 'nothing written'})`;
}

export function propertiesLine(view: MessagePropertiesView): string {
  return `Messages of "${view.list ?? 'new lists'}": ${describe('header', view.header)}; ${describe('footer', view.footer)}.`;
}
