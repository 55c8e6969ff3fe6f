/**
 * Checks SMTP logins. A device that logs in for every message would pay the
 * scrypt cost each time, so a successful login is remembered as a keyed
 * digest of the password (never the password) for as long as the user's
 * verifier stays the same. Failed logins are counted per client address.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Limits, RelayUser } from '../protocol.js';
import { verifyPassword } from '../shared/verifier.js';

export type LoginResult =
  | { ok: true; user: RelayUser }
  | { ok: false; reason: 'unknown-user' | 'wrong-password' | 'inactive' };

interface CachedLogin {
  verifier: string;
  digest: Buffer;
}

export class Authenticator {
  /** Lives only in this process's memory and dies with it. */
  private readonly key = randomBytes(32);
  private readonly cache = new Map<string, CachedLogin>();
  /**
   * Checks under way, by user and password digest: a hundred devices logging
   * in at once with the same credentials run scrypt (32 MiB each) once.
   */
  private readonly checking = new Map<string, Promise<boolean>>();
  private users = new Map<string, RelayUser>();

  setUsers(users: RelayUser[]): void {
    this.users = new Map(users.map((u) => [u.name, u]));
    for (const [name, cached] of this.cache) {
      if (this.users.get(name)?.verifier !== cached.verifier) this.cache.delete(name);
    }
  }

  /** Changes some users in place; a remembered login survives only an unchanged verifier. */
  updateUsers(upsert: RelayUser[], remove: string[]): void {
    for (const user of upsert) {
      this.users.set(user.name, user);
      if (this.cache.get(user.name)?.verifier !== user.verifier) this.cache.delete(user.name);
    }
    for (const name of remove) {
      this.users.delete(name);
      this.cache.delete(name);
    }
  }

  user(name: string): RelayUser | undefined {
    return this.users.get(name);
  }

  async login(name: string, password: string): Promise<LoginResult> {
    const user = this.users.get(name);
    if (!user) return { ok: false, reason: 'unknown-user' };
    const digest = createHmac('sha256', this.key).update(name).update('\0').update(password).digest();
    const cached = this.cache.get(name);
    const known = cached?.verifier === user.verifier && timingSafeEqual(cached.digest, digest);
    if (!known) {
      if (!(await this.verifyOnce(user, digest, password))) return { ok: false, reason: 'wrong-password' };
      // The user may have changed while scrypt ran.
      if (this.users.get(name)?.verifier !== user.verifier) return { ok: false, reason: 'wrong-password' };
      this.cache.set(name, { verifier: user.verifier, digest });
    }
    // Only a right password learns that the user is inactive.
    if (!user.active) return { ok: false, reason: 'inactive' };
    return { ok: true, user };
  }

  private verifyOnce(user: RelayUser, digest: Buffer, password: string): Promise<boolean> {
    const key = `${user.verifier}\0${digest.toString('base64')}`;
    let check = this.checking.get(key);
    if (!check) {
      check = verifyPassword(user.verifier, password).finally(() => this.checking.delete(key));
      this.checking.set(key, check);
    }
    return check;
  }
}

/** Refuses logins for a while from an address that failed too often. */
export class AuthFailureLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly blocked = new Map<string, number>();
  private lastSweep = 0;

  constructor(private limits: Limits['authFailures']) {}

  setLimits(limits: Limits['authFailures']): void {
    this.limits = limits;
  }

  /** When the address is blocked, the time its block ends. */
  blockedUntil(address: string, now = Date.now()): number | null {
    const until = this.blocked.get(address);
    if (until === undefined) return null;
    if (until > now) return until;
    this.blocked.delete(address);
    return null;
  }

  /** How many client addresses are remembered (failing or blocked). */
  get size(): number {
    return this.failures.size + this.blocked.size;
  }

  /** Records a failure; returns the end of a block that it started, if it did. */
  fail(address: string, now = Date.now()): number | null {
    const windowStart = now - this.limits.windowSeconds * 1000;
    this.sweep(now, windowStart);
    const recent = (this.failures.get(address) ?? []).filter((t) => t > windowStart);
    recent.push(now);
    if (recent.length >= this.limits.max) {
      this.failures.delete(address);
      const until = now + this.limits.blockSeconds * 1000;
      this.blocked.set(address, until);
      return until;
    }
    this.failures.set(address, recent);
    return null;
  }

  succeed(address: string): void {
    this.failures.delete(address);
  }

  /**
   * Forgets addresses whose failures are all older than the window and whose
   * block has ended, once per window: a scan from many addresses must not
   * grow these tables without end.
   */
  private sweep(now: number, windowStart: number): void {
    if (now - this.lastSweep < this.limits.windowSeconds * 1000) return;
    this.lastSweep = now;
    for (const [address, times] of this.failures) if (times.every((t) => t <= windowStart)) this.failures.delete(address);
    for (const [address, until] of this.blocked) if (until <= now) this.blocked.delete(address);
  }
}

/** A login tried from a client address: refused unblocked, or checked and counted toward a block. */
export type LoginAttempt =
  | Extract<LoginResult, { ok: true }>
  | { ok: false; reason: 'blocked'; blockedUntil: number }
  | { ok: false; reason: Exclude<LoginResult, { ok: true }>['reason']; blockStarted: number | null };

/**
 * The one way a login is tried, from an SMTP session's AUTH or the admin's
 * test login: an address blocked for its failures is refused without a
 * check, a failure counts toward its block, a success clears its count.
 */
export async function tryLogin(auth: Authenticator, limiter: AuthFailureLimiter, address: string, name: string, password: string): Promise<LoginAttempt> {
  const blockedUntil = limiter.blockedUntil(address);
  if (blockedUntil !== null) return { ok: false, reason: 'blocked', blockedUntil };
  const result = await auth.login(name, password);
  if (result.ok) {
    limiter.succeed(address);
    return result;
  }
  return { ...result, blockStarted: limiter.fail(address) };
}
