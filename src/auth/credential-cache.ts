import { createHmac, randomBytes } from 'node:crypto';
import { LruCache } from './lru.js';

export interface VerifiedCredential {
  userId: number;
  /** The stored hash the password was verified against; a hit counts only while the store still holds it. */
  passwordHash: string;
}

/**
 * Remembers user name + password pairs that passed scrypt, so that Basic auth on every request costs one
 * HMAC and one primary-key read instead of tens of milliseconds of scrypt.
 *
 * The key is an HMAC under a pepper drawn at start and never stored, so the cache's keys are useless to
 * anyone who dumps the process memory without the pepper and can't be precomputed. The name is
 * length-prefixed, so no (name, password) pair can collide with another by moving characters across the
 * boundary. Only successes are stored; a wrong password always goes to scrypt.
 */
export class CredentialCache {
  private readonly pepper = randomBytes(32);
  private readonly lru: LruCache<string, VerifiedCredential>;

  constructor(max: number, ttlMs: number, now?: () => number) {
    this.lru = new LruCache(max, ttlMs, now);
  }

  key(user: string, password: string): string {
    return createHmac('sha256', this.pepper)
      .update(`${Buffer.byteLength(user)}:`)
      .update(user)
      .update(password)
      .digest('base64url');
  }

  get(key: string): VerifiedCredential | undefined {
    return this.lru.get(key);
  }

  remember(key: string, value: VerifiedCredential): void {
    this.lru.set(key, value);
  }

  forget(key: string): void {
    this.lru.delete(key);
  }

  /** This process knows at once when it changed a password; other servers notice the changed hash. */
  forgetUser(userId: number): void {
    this.lru.deleteWhere((v) => v.userId === userId);
  }
}
