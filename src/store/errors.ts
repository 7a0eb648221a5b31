/** True when a write failed on a unique constraint, in either dialect. */
export function isUniqueViolation(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const err = e as { code?: unknown; message?: unknown };
  return err.code === '23505' || err.code === 'SQLITE_CONSTRAINT_UNIQUE' || err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * True when a transaction lost a race it can simply run again: a unique violation, a deadlock or a
 * serialization failure (PostgreSQL).
 */
export function isRetryable(e: unknown): boolean {
  if (isUniqueViolation(e)) return true;
  if (typeof e !== 'object' || e === null) return false;
  const code = (e as { code?: unknown }).code;
  return code === '40P01' || code === '40001';
}

/**
 * True when the database stayed locked by another process past its wait (SQLite's busy_timeout) or a lock
 * timeout (PostgreSQL's lock_timeout): running again would only wait as long once more.
 */
export function isLockTimeout(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const code = (e as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === '55P03';
}
