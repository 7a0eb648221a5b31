import type { AuthService, Principal } from '../auth/service.js';

export type AuthResult = { ok: true; principal: Principal } | { ok: false; reason: 'missing' | 'invalid' | 'expired' };

/** Too many failed logins from this client for this name: each face answers 429 with `Retry-After: retryAfter`. */
export type ThrottledResult = { ok: false; reason: 'throttled'; retryAfter: number };

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** Larger headers are not credentials we issue; refuse them before decoding or hashing anything. */
const MAX_CREDENTIALS_LENGTH = 4096;

/**
 * Reads an Authorization header, as every face does: `Basic base64(user:password)` (the password may hold
 * colons; the user name may not) or `Bearer <token>` (access or personal token). Scheme names are
 * case-insensitive (RFC 9110 §11.1). Each face renders the failure in its own wire format.
 *
 * Failed Basic logins are counted per client address and user name (see auth/throttle.ts). A face that passes
 * the client's address gets 'throttled' once the limit is reached and should answer 429; a face that passes
 * none is still protected (its callers share one window per name) but sees 'invalid', which it already renders.
 */
export function authenticateRequest(auth: AuthService, authorization: string | undefined): Promise<AuthResult>;
export function authenticateRequest(
  auth: AuthService,
  authorization: string | undefined,
  clientIp: string | undefined,
): Promise<AuthResult | ThrottledResult>;
export async function authenticateRequest(
  auth: AuthService,
  authorization: string | undefined,
  clientIp?: string,
): Promise<AuthResult | ThrottledResult> {
  if (authorization === undefined || authorization.trim() === '') return { ok: false, reason: 'missing' };
  const m = /^\s*([A-Za-z]+)\s+(\S+)\s*$/.exec(authorization);
  if (!m || m[2]!.length > MAX_CREDENTIALS_LENGTH) return { ok: false, reason: 'invalid' };
  const scheme = m[1]!.toLowerCase();
  const value = m[2]!;
  if (scheme === 'bearer') return auth.authenticateBearer(value);
  if (scheme !== 'basic' || !BASE64.test(value)) return { ok: false, reason: 'invalid' };
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return { ok: false, reason: 'invalid' };
  const result = await auth.login(decoded.slice(0, colon), decoded.slice(colon + 1), clientIp);
  if (result.ok || result.reason === 'invalid') return result;
  return clientIp === undefined ? { ok: false, reason: 'invalid' } : result;
}
