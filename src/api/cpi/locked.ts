import { DomainError } from '../../keystore/errors.js';
import { CpiError } from './errors.js';

/** D12's suggested text for a keystore another writer holds past the wait. */
export const LOCKED_TEXT = 'The keystore is locked by another user. Try again later.';

/**
 * Whether a write gave up waiting for the keystore: the domain said so, SQLite's busy timeout ran out (another
 * process holds the write lock), or PostgreSQL's lock_timeout ended the wait for a keystore's advisory lock.
 */
function isLockWait(e: unknown): boolean {
  if (e instanceof DomainError) return e.kind === 'Locked';
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === '55P03';
}

/**
 * Runs a keystore-wide write and answers D12's status when the keystore stays locked: 503, or 423 for RSA key
 * generation, as SPEC gives the codes. Nothing was written then: the lock is taken before anything else.
 */
export async function unlessLocked<T>(write: () => Promise<T>, status: 503 | 423 = 503): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (isLockWait(e)) throw new CpiError(status, LOCKED_TEXT);
    throw e;
  }
}
