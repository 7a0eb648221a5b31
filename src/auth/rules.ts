import { invalid } from '../keystore/errors.js';
import { isRole, type Role } from './model.js';
import { MAX_PASSWORD_BYTES } from './passwords.js';
import { RESERVED_PREFIX } from './secrets.js';

export const MIN_PASSWORD_LENGTH = 8;

const CONTROL = /[\u0000-\u001f\u007f]/;

/** No name in the store holds one; PostgreSQL even fails on a NUL in text instead of finding nothing. */
export const hasControlChars = (s: string): boolean => CONTROL.test(s);

/**
 * A user name travels in HTTP Basic, which splits at the first ':', so it may not hold one. The prefix of
 * our client ids is reserved, so a Basic user name says by itself whether it is a user or an API client.
 */
export function assertUserName(name: string): void {
  const subject = { type: 'user' as const, name };
  if (name.length < 1 || name.length > 150 || CONTROL.test(name) || name.includes(':') || name.trim() !== name)
    throw invalid(
      'A user name must be 1 to 150 characters, without colons, control characters or surrounding spaces',
      subject,
    );
  if (name.startsWith(RESERVED_PREFIX)) throw invalid(`A user name may not start with '${RESERVED_PREFIX}'`, subject);
}

/**
 * Whether a name sent in credentials could be a user at all. Anything else is refused before it reaches the
 * database: PostgreSQL rejects a NUL in text with an error, which must not turn a bad login into a 500.
 */
export const couldBeUserName = (name: string): boolean => name.length >= 1 && name.length <= 150 && !CONTROL.test(name);

export function assertPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw invalid(`A password must have at least ${MIN_PASSWORD_LENGTH} characters`, {
      type: 'option',
      name: 'password',
    });
  if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES)
    throw invalid(`A password may have at most ${MAX_PASSWORD_BYTES} bytes`, { type: 'option', name: 'password' });
}

export function assertRole(role: string): asserts role is Role {
  if (!isRole(role))
    throw invalid(`The role must be viewer, editor or admin, not '${role}'`, { type: 'option', name: 'role' });
}

export function assertTokenName(name: string): void {
  if (name.length < 1 || name.length > 200 || CONTROL.test(name))
    throw invalid('A token name must be 1 to 200 characters, without control characters', { type: 'token', name });
}

/** null: never expires. Otherwise whole seconds, at most ten years, so expires_at stays a sane number. */
export function assertTtl(ttlSeconds: number | null): void {
  if (ttlSeconds === null) return;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > 10 * 366 * 24 * 3600)
    throw invalid('A token lifetime must be a whole number of seconds between 1 and ten years', {
      type: 'option',
      name: 'ttl',
    });
}
