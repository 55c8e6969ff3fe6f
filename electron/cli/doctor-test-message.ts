/**
 * `relay-desk doctor test-message`: a test message sent through the relay
 * as the user, then followed in the message history, one line per step,
 * until it is delivered, deferred or bounced. Each step comes from the
 * history's message.updated event; nothing polls.
 */
import type { ApiClient } from '../api/client.js';
import { ApiError } from '../api/contract.js';
import type { MessageRow, MessageStatus } from '../api/schemas/messages.js';
import { CliError } from './args.js';
import { withFlags } from './connect.js';
import { print, printJson, when } from './output.js';

const FINAL: readonly MessageStatus[] = ['delivered', 'partly-delivered', 'bounced', 'deferred', 'deleted', 'unknown'];
/** A message not finished by then is left to the queue; the command says where to look. */
export const FOLLOW_TIMEOUT_MS = 120_000;

function stepLine(row: Pick<MessageRow, 'status' | 'lastReply' | 'nextAttemptAt'>): string {
  const next = row.status === 'deferred' && row.nextAttemptAt ? ` (next attempt ${when(row.nextAttemptAt)})` : '';
  return `${row.status}${row.lastReply ? `: ${row.lastReply}` : ''}${next}`;
}

/** Prints each new step of message `id` and resolves with its final status, or rejects after the timeout. */
function follow(id: string, json: boolean): { done: Promise<MessageStatus>; seen: (row: MessageRow) => void } {
  let last = '';
  let lastAt = 0;
  let finished = false;
  let finish: (status: MessageStatus) => void = () => undefined;
  const done = new Promise<MessageStatus>((resolve) => (finish = resolve));
  const seen = (row: MessageRow) => {
    // The first read may answer after a newer event: an older row is no news.
    if (row.id !== id || finished || Date.parse(row.updatedAt) < lastAt) return;
    lastAt = Date.parse(row.updatedAt);
    const line = stepLine(row);
    if (line !== last) {
      last = line;
      if (json) printJson(row);
      else print(line);
    }
    if (FINAL.includes(row.status)) {
      finished = true;
      finish(row.status);
    }
  };
  return { done, seen };
}

export async function testMessage(api: ApiClient, input: { user: string; password: string; from: string; to: string }, json: boolean, flags: Record<string, string>): Promise<number> {
  let onRow: (row: MessageRow) => void = () => undefined;
  // Subscribed before the message is sent, so no step is missed.
  const unsubscribe = api.on('message.updated', (row) => onRow(row));
  try {
    const result = await withFlags(api.call('doctor.sendTestMessage', input), flags);
    if (json && !result.sent) printJson(result);
    else if (!json) print(`${result.sent ? 'accepted' : 'refused'}: ${result.explanation}${result.reply ? `\n  < ${result.reply}` : ''}`);
    if (!result.sent || result.id === null) return 1;
    const followed = follow(result.id, json);
    onRow = followed.seen;
    // The history writes the relay's events once per tick: the message may reach it after the 250 does, and then comes as an event.
    const first = await api.call('messages.get', { id: result.id }).catch((err: unknown) => {
      if (err instanceof ApiError && err.code === 'not_found') return null;
      throw err;
    });
    if (first) followed.seen(first);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CliError(`message ${result.id ?? ''} is not delivered after ${FOLLOW_TIMEOUT_MS / 1000} s; it stays in the queue (relay-desk queue ls)`)), FOLLOW_TIMEOUT_MS);
    });
    try {
      return (await Promise.race([followed.done, timedOut])) === 'delivered' ? 0 : 1;
    } finally {
      clearTimeout(timer);
    }
  } finally {
    unsubscribe();
  }
}
