/** The message history in a temporary data folder, and relay events to feed it, as the relay sends them. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { RelayEvent } from '../../relay/events.js';
import type { MessageRow } from '../api/schemas/messages.js';
import { History, type HistoryOptions } from '../host/history/history.js';

export async function tempDir(t: Pick<TestContext, 'after'>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'relay-desk-history-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A history that collects the rows it announces; closed when the test ends. */
export async function openHistory(
  t: Pick<TestContext, 'after'>,
  dataDir?: string,
  options: Partial<HistoryOptions> = {},
): Promise<{ history: History; announced: MessageRow[]; dataDir: string }> {
  const dir = dataDir ?? (await tempDir(t));
  const announced: MessageRow[] = [];
  const { history } = await History.open(dir, { retentionDays: () => 30, onMessage: (row) => announced.push(row), ...options });
  t.after(() => history.close());
  return { history, announced, dataDir: dir };
}

type Accepted = Extract<RelayEvent, { type: 'accepted' }>;

export function accepted(id: string, change: Partial<Accepted> & { to?: string[] } = {}): RelayEvent {
  const { to, ...rest } = change;
  return {
    type: 'accepted',
    id,
    session: 'S1',
    user: 's1_0',
    via: 'auth',
    list: 'SMTP+',
    envelope: { from: 'clerk@office.example', to: to ?? ['boss@example.org'] },
    from: 'clerk@office.example',
    fromName: 'Office Clerk',
    subject: `Subject of ${id}`,
    size: 1234,
    tls: true,
    priority: 3,
    campaign: null,
    addedHeaders: ['Message-ID: <x@relay.test>'],
    ...rest,
  };
}

export function attempt(id: string, results: { recipient: string; code: number; response: string }[], remoteHost = 'smtp.example.com:587'): RelayEvent {
  return {
    type: 'attempt',
    id,
    startedAt: new Date().toISOString(),
    durationMs: 42,
    remoteHost,
    results: results.map((r) => ({ ...r, status: r.code < 400 ? 'delivered' : r.code < 500 ? 'deferred' : 'failed' })),
  };
}

export const IN_A_MINUTE = (): string => new Date(Date.now() + 60_000).toISOString();
