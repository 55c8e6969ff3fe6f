/**
 * The time limits of one SMTP session, which smtp-server's idle timeout
 * cannot give: that timeout starts afresh with every byte, so a client
 * trickling a byte every few seconds keeps its session for ever.
 *
 * - A command line must arrive whole within commandLineMs of its first byte,
 *   like Postfix's smtpd_per_record_deadline: more bytes do not extend it.
 * - Between commands a client may wait idleMs (RFC 5321 4.5.3.2.7).
 * - In DATA, time is a budget of idleMs that every byte received refills by
 *   1/minDataBytesPerSecond s, never beyond idleMs, like Postfix's
 *   smtpd_min_data_rate: a slow but steady 20 MB upload never runs out,
 *   a trickle soon does. The total time of a message is not bounded.
 * - A client must log in, or from a trusted address start a message, within
 *   identifyMs of connecting, whatever it sends meanwhile.
 *
 * Only the client's turns count against the input limits: while the relay
 * works on what arrived (a handler running, a message being stored, replies
 * not yet read) none runs. One timer per session, moved lazily: a deadline
 * that moves later, as after every command, costs no timer call.
 */
import type { SessionLimits } from '../protocol.js';

export type Expiry = 'identify' | 'command-line' | 'idle' | 'data';

/** Where the client's turn stands when it begins. */
export interface InputState {
  inData: boolean;
  /** Part of a command line has arrived, its end not yet. */
  partialLine: boolean;
}

export class SessionClock {
  private identifyAt: number;
  /** When the client's current turn expires; Infinity while the relay has the turn. */
  private inputDeadline: number;
  private inputExpiry: Expiry = 'idle';
  /** When the first byte of the unfinished command line arrived. */
  private lineStartedAt: number | null = null;
  /** In DATA: the time the client had left (ms) when its turn began, and when that was. */
  private dataBudget: number | null = null;
  private turnStartedAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private stopped = false;

  constructor(
    private readonly limits: () => SessionLimits,
    /** Whether the client has logged in (or, trusted, started a message): asked when the identify limit is due. */
    private readonly identified: () => boolean,
    private readonly onExpire: (why: Expiry) => void,
    now = Date.now(),
  ) {
    this.identifyAt = now + limits().identifyMs;
    this.inputDeadline = now + limits().idleMs;
    this.schedule();
  }

  /** The relay takes `bytes` from the client: its turn, until waiting(). */
  received(bytes: number, inData: boolean, now = Date.now()): void {
    if (inData && this.dataBudget !== null) {
      const spent = now - this.turnStartedAt;
      const limits = this.limits();
      this.dataBudget = Math.min(limits.idleMs, this.dataBudget - spent + (bytes * 1000) / limits.minDataBytesPerSecond);
    } else if (!inData) {
      this.lineStartedAt ??= now;
    }
    this.inputDeadline = Infinity;
  }

  /** A command line has ended and is being handled. */
  lineEnded(): void {
    this.lineStartedAt = null;
  }

  /** The relay has handled everything it was given: the client's turn. */
  waiting(state: InputState, now = Date.now()): void {
    const limits = this.limits();
    if (state.inData) {
      this.dataBudget ??= limits.idleMs;
      this.turnStartedAt = now;
      this.setInput(now + this.dataBudget, 'data');
      return;
    }
    this.dataBudget = null;
    if (state.partialLine) {
      this.lineStartedAt ??= now;
      this.setInput(this.lineStartedAt + limits.commandLineMs, 'command-line');
    } else {
      this.lineStartedAt = null;
      this.setInput(now + limits.idleMs, 'idle');
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private setInput(at: number, why: Expiry): void {
    this.inputDeadline = at;
    this.inputExpiry = why;
    this.schedule();
  }

  private nextDeadline(): number {
    return Math.min(this.identifyAt, this.inputDeadline);
  }

  /** Arms the timer only when the next deadline comes before the one it is armed for. */
  private schedule(now = Date.now()): void {
    const next = this.nextDeadline();
    if (this.stopped || next >= this.timerAt || next === Infinity) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = next;
    this.timer = setTimeout(() => this.fire(), Math.max(0, next - now));
    this.timer.unref();
  }

  private fire(): void {
    this.timer = null;
    this.timerAt = Infinity;
    const now = Date.now();
    if (this.identifyAt <= now && !this.identified()) {
      this.expire('identify');
    } else if (this.inputDeadline <= now) {
      this.expire(this.inputExpiry);
    } else {
      // Identified in time: from now on only the input limits count.
      if (this.identifyAt <= now) this.identifyAt = Infinity;
      this.schedule(now);
    }
  }

  private expire(why: Expiry): void {
    this.stop();
    this.onExpire(why);
  }
}
