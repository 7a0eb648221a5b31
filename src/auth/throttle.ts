import { createHash } from 'node:crypto';
import { LruCache } from './lru.js';

export interface ThrottleOptions {
  /** Failures allowed within the window; the next attempt is refused until the oldest one leaves it. 0: no limit. */
  limit: number;
  windowMs: number;
  /** Clients tracked at most; the least recently failing are forgotten first, so a flood of names is bounded. */
  maxKeys?: number;
  now?: () => number;
}

/**
 * A sliding window of failed logins per (client address, user name): after `limit` failures within `windowMs`,
 * further attempts are refused without checking the password, until the oldest failure is older than the window.
 *
 * Keyed by address and name together, so an attacker can neither lock a user out from elsewhere nor try one
 * name from many addresses faster than each address allows. The state lives in this process: with N servers
 * behind a balancer a client may get up to N × limit attempts per window, which still rules out guessing.
 */
export class LoginThrottle {
  private readonly failures: LruCache<string, number[]>;
  private readonly now: () => number;

  constructor(private readonly opts: ThrottleOptions) {
    this.now = opts.now ?? Date.now;
    this.failures = new LruCache(opts.maxKeys ?? 100_000, Math.max(opts.windowMs, 1), this.now);
  }

  /** Seconds until (address, user) may try again; 0 when it may try now. */
  retryAfter(clientIp: string, user: string): number {
    // No failure on record anywhere (the usual case): nothing to look up, no key to hash.
    if (this.opts.limit <= 0 || this.failures.size === 0) return 0;
    const recent = this.recent(this.key(clientIp, user));
    if (recent.length < this.opts.limit) return 0;
    // The attempt becomes possible when the oldest failure counted leaves the window.
    const oldest = recent[recent.length - this.opts.limit]!;
    return Math.max(1, Math.ceil((oldest + this.opts.windowMs - this.now()) / 1000));
  }

  fail(clientIp: string, user: string): void {
    if (this.opts.limit <= 0) return;
    const key = this.key(clientIp, user);
    // Only the newest `limit` failures decide anything; older ones are dropped so each key stays small.
    const recent = [...this.recent(key), this.now()].slice(-this.opts.limit);
    this.failures.set(key, recent);
  }

  /** A correct password clears the record: the user knows it, earlier typos don't count against them. */
  succeed(clientIp: string, user: string): void {
    if (this.failures.size === 0) return;
    this.failures.delete(this.key(clientIp, user));
  }

  private recent(key: string): number[] {
    const since = this.now() - this.opts.windowMs;
    return (this.failures.get(key) ?? []).filter((t) => t > since);
  }

  /** A fixed-size key whatever the name's length (names come from request headers of up to 4 KB). */
  private key(clientIp: string, user: string): string {
    return createHash('sha256')
      .update(`${Buffer.byteLength(clientIp)}:${clientIp}`)
      .update(user)
      .digest('base64url');
  }
}
