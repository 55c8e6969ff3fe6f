/**
 * The relay's connection slots, counted per client address like Postfix's
 * anvil: how many sessions an address holds at once and how many times it
 * connected in the last minute, checked as it connects, before anything else
 * is spent on it. Every listener shares the one table.
 *
 * Fair slots: when every slot is taken, a newcomer gets the slot of the
 * oldest session that has neither logged in nor started a message, taken from
 * the address holding the most sessions, provided the newcomer's address
 * holds none, or at least two fewer (taking one from a single fewer would
 * only swap the two, and two floods would take turns without end). So one
 * address, or several, filling the relay never keeps another out, and no
 * session that logged in or is handing in a message is cut off to make room.
 *
 * Memory stays bounded whatever a flood does: an address holding no session
 * is forgotten once its minute has passed, and at most MAX_IDLE_CLIENTS of
 * them are remembered at all, the least recently seen going first.
 */
import ipaddr from 'ipaddr.js';

export interface SlotLimits {
  maxConnections: number;
  maxConnectionsPerClient: number;
  /** Connection attempts per minute, refused ones included. */
  maxConnectionRatePerClient: number;
}

/** A slot and what holds it (T: a session, or a socket still in its TLS handshake), set by whoever was given it. */
export class Slot<T> {
  released = false;
  occupant: T | null = null;
  constructor(
    readonly client: string,
    readonly openedAt: number,
  ) {}
}

export type Admission<T> =
  | { ok: true; slot: Slot<T>; /** The slot given up to make room, already released: its occupant must go. */ evicted: Slot<T> | null }
  | { ok: false; client: string; reason: 'rate' | 'client' | 'full' };

const MINUTE_MS = 60_000;
/** Addresses remembered without a session: a scan of this many costs ~1 MB. */
export const MAX_IDLE_CLIENTS = 10_000;

interface Client<T> {
  key: string;
  /** Open slots, oldest first. */
  slots: Set<Slot<T>>;
  /** Connection attempts in the current minute and the one before, for a sliding-window rate. */
  windowStart: number;
  current: number;
  previous: number;
}

/** An address as counted: IPv4-mapped IPv6 (::ffff:192.0.2.1) is its IPv4 address, IPv6 in one spelling. */
export function clientKey(address: string): string {
  try {
    return ipaddr.process(address).toString();
  } catch {
    return address;
  }
}

export class ClientSlots<T> {
  /** Every remembered address, least recently seen first. */
  private readonly clients = new Map<string, Client<T>>();
  /** The addresses holding at least one slot. */
  private readonly holding = new Set<Client<T>>();
  private open = 0;
  private lastSweep = 0;

  constructor(
    private readonly limits: () => SlotLimits,
    /** Whether closing what holds a slot now loses nothing: not logged in, no message started. */
    private readonly evictable: (occupant: T) => boolean,
  ) {}

  /** Slots held now, by every address together. */
  get size(): number {
    return this.open;
  }

  /** Addresses remembered, with or without a session. */
  get remembered(): number {
    return this.clients.size;
  }

  /** Counts one connection attempt from `address` and gives it a slot if it may have one. */
  admit(address: string, now = Date.now()): Admission<T> {
    this.forgetIdle(now);
    const client = this.seen(clientKey(address), now);
    const limits = this.limits();
    if (countAttempt(client, now) > limits.maxConnectionRatePerClient) return { ok: false, client: client.key, reason: 'rate' };
    if (client.slots.size >= limits.maxConnectionsPerClient) return { ok: false, client: client.key, reason: 'client' };
    let evicted: Slot<T> | null = null;
    if (this.open >= limits.maxConnections) {
      evicted = this.makeRoom(client);
      if (!evicted) return { ok: false, client: client.key, reason: 'full' };
    }
    const slot = new Slot<T>(client.key, now);
    client.slots.add(slot);
    this.holding.add(client);
    this.open++;
    return { ok: true, slot, evicted };
  }

  /** Gives a slot back; releasing it again does nothing. */
  release(slot: Slot<T>): void {
    if (slot.released) return;
    slot.released = true;
    const client = this.clients.get(slot.client);
    if (!client?.slots.delete(slot)) return;
    this.open--;
    if (client.slots.size === 0) this.holding.delete(client);
  }

  /** The address's record, moved to the most recently seen end. */
  private seen(key: string, now: number): Client<T> {
    const client = this.clients.get(key) ?? { key, slots: new Set<Slot<T>>(), windowStart: now, current: 0, previous: 0 };
    this.clients.delete(key);
    this.clients.set(key, client);
    return client;
  }

  /**
   * The slot to give the newcomer: the oldest evictable one of the address
   * holding the most slots (see the note at the top for how many more than
   * the newcomer); among addresses holding as many, the one whose candidate
   * is oldest.
   */
  private makeRoom(newcomer: Client<T>): Slot<T> | null {
    let victim: Slot<T> | null = null;
    const held = newcomer.slots.size;
    let victimCount = held === 0 ? 1 : held + 2;
    for (const client of this.holding) {
      const count = client.slots.size;
      if (count < victimCount) continue;
      const candidate = this.oldestEvictable(client);
      if (!candidate) continue;
      if (victim === null || count > victimCount || candidate.openedAt < victim.openedAt) {
        victim = candidate;
        victimCount = count;
      }
    }
    if (victim) this.release(victim);
    return victim;
  }

  private oldestEvictable(client: Client<T>): Slot<T> | null {
    for (const slot of client.slots) if (slot.occupant === null || this.evictable(slot.occupant)) return slot;
    return null;
  }

  /**
   * Forgets addresses that hold no slot: every minute those whose rate window
   * has passed, and at any time the least recently seen past
   * MAX_IDLE_CLIENTS (down to 90% of it, so the walk is rare).
   */
  private forgetIdle(now: number): void {
    const overflow = this.clients.size - this.holding.size > MAX_IDLE_CLIENTS;
    if (!overflow && now - this.lastSweep < MINUTE_MS) return;
    if (!overflow) this.lastSweep = now;
    let excess = overflow ? this.clients.size - this.holding.size - Math.floor(MAX_IDLE_CLIENTS * 0.9) : 0;
    for (const [key, client] of this.clients) {
      if (client.slots.size > 0) continue;
      if (excess > 0 || now - client.windowStart >= 2 * MINUTE_MS) {
        this.clients.delete(key);
        excess--;
      } else if (overflow && excess <= 0) {
        break;
      }
    }
  }
}

/**
 * Counts an attempt and returns the attempts in the last minute, estimated
 * from this minute's count and the previous minute's weighted by how much of
 * it still lies within the last 60 s: two numbers per address, however fast
 * it connects.
 */
function countAttempt(client: Client<unknown>, now: number): number {
  const elapsed = now - client.windowStart;
  if (elapsed >= 2 * MINUTE_MS) {
    client.previous = 0;
    client.current = 0;
    client.windowStart = now;
  } else if (elapsed >= MINUTE_MS) {
    client.previous = client.current;
    client.current = 0;
    client.windowStart += MINUTE_MS;
  }
  client.current++;
  return client.previous * (1 - (now - client.windowStart) / MINUTE_MS) + client.current;
}
