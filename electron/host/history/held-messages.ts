/**
 * Messages added in the current ingest batch, held in memory until the
 * batch's end and then inserted once, in the state its later events left
 * them. At a busy relay's pace most messages are accepted, sent and
 * delivered within one batch: inserted at once, each would then be updated
 * three times and its recipients twice, every update rewriting its row and
 * index entries (messages_status, messages_finished); held, it is one
 * insert. A held message answers the reads the batch's events make of it
 * (./apply-event.ts) as its stored row would.
 */
import type { MessageStatus } from '../../api/schemas/messages.js';
import type { NewMessage, RecipientStatus } from './add-message.js';
import { ACTIVE_STATUSES } from './counters.js';
import type { GroupedMessage } from './rollup.js';
import { SEQ_PER_MS } from './sequence.js';

/** The columns of a message that its events read and change. */
export interface MessageState extends GroupedMessage {
  status: MessageStatus;
  attempts: number;
}

/** A change of a message's row, as ./apply-event.ts makes it. */
export interface MessagePatch {
  status: MessageStatus;
  attempts?: number;
  reply?: string | null;
  nextAttemptAt?: number;
  bounceId?: string | null;
  bounceReason?: string;
}

/** A held message's row: what `messages` will hold, by column (as the insert names them). */
export type HeldRow = Pick<NewMessage, 'id' | 'list' | 'user' | 'envelopeFrom' | 'from' | 'fromName' | 'subject' | 'size' | 'priority' | 'campaignCode' | 'campaignName' | 'status' | 'attempts'> & {
  seq: number;
  dynamicSubject: string;
  /** How many. */
  recipients: number;
  tls: number | null;
  at: number;
  finishedAt: number | null;
  /** JSON. */
  addedHeaders: string;
  lastReply: string | null;
  nextAttemptAt: number | null;
  bounceId: string | null;
  bounceReason: string | null;
};

export interface HeldRecipient {
  status: RecipientStatus;
  reply: string | null;
  updatedAt: number;
}

export interface HeldMessage {
  row: HeldRow;
  /** What its events read: the same values as `row`, under the stored row's column names. */
  state: MessageState;
  /** Its full-text entry. */
  text: string;
  /** By address, as the recipients table's key (seq, address) tells them apart; the first of a repeated address counts. */
  recipients: Map<string, HeldRecipient>;
}

export class HeldMessages {
  private readonly byId = new Map<string, HeldMessage>();
  private readonly bySeq = new Map<number, HeldMessage>();
  /** The last key held in each millisecond's range of keys, by the range's first key. */
  private readonly lastInMs = new Map<number, number>();

  hold(message: HeldMessage): void {
    this.byId.set(message.row.id, message);
    this.bySeq.set(message.row.seq, message);
    this.lastInMs.set(msStart(message.row.seq), message.row.seq);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  state(id: string): MessageState | undefined {
    return this.byId.get(id)?.state;
  }

  at(seq: number): HeldMessage | undefined {
    return this.bySeq.get(seq);
  }

  /** The last key held in the millisecond whose keys start at `first`, or null. */
  lastSeqIn(first: number): number | null {
    return this.lastInMs.get(first) ?? null;
  }

  /** Takes every held message, in the order they were added, and forgets them. */
  take(): HeldMessage[] {
    const all = [...this.byId.values()];
    this.clear();
    return all;
  }

  clear(): void {
    this.byId.clear();
    this.bySeq.clear();
    this.lastInMs.clear();
  }
}

function msStart(seq: number): number {
  return seq - (seq % SEQ_PER_MS);
}

/** The twin of apply-event.ts's UPDATE of a message's row, on a held one. */
export function patchHeld(held: HeldMessage, patch: MessagePatch, at: number): void {
  const row = held.row;
  const final = !ACTIVE_STATUSES.has(patch.status);
  row.attempts = patch.attempts ?? row.attempts;
  row.at = at;
  row.finishedAt = final ? (row.finishedAt ?? at) : null;
  row.nextAttemptAt = patch.status === 'deferred' ? (patch.nextAttemptAt ?? row.nextAttemptAt) : null;
  row.lastReply = patch.reply ?? row.lastReply;
  row.bounceId = patch.bounceId ?? row.bounceId;
  row.bounceReason = patch.bounceReason ?? row.bounceReason;
  row.status = patch.status;
  held.state.status = patch.status;
  held.state.attempts = row.attempts;
}

/** The twin of the UPDATE of one recipient: an address the message does not have changes nothing. */
export function setHeldRecipient(held: HeldMessage, address: string, status: RecipientStatus, reply: string | null, at: number): void {
  const recipient = held.recipients.get(address);
  if (!recipient) return;
  recipient.status = status;
  recipient.reply = reply ?? recipient.reply;
  recipient.updatedAt = at;
}

/** Its recipients still waiting (pending or deferred) take this status. */
export function setHeldWaiting(held: HeldMessage, status: RecipientStatus, at: number): void {
  for (const recipient of held.recipients.values()) {
    if (recipient.status !== 'pending' && recipient.status !== 'deferred') continue;
    recipient.status = status;
    recipient.updatedAt = at;
  }
}

/** How many of its recipients have each status. */
export function heldRecipientStatuses(held: HeldMessage): { status: RecipientStatus; n: number }[] {
  const n = new Map<RecipientStatus, number>();
  for (const { status } of held.recipients.values()) n.set(status, (n.get(status) ?? 0) + 1);
  return [...n].map(([status, count]) => ({ status, n: count }));
}
