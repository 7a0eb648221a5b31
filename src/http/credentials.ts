import type { AuthService, Principal } from '../auth/service.js';

export type AuthResult = { ok: true; principal: Principal } | { ok: false; reason: 'missing' | 'invalid' | 'expired' };

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** Larger headers are not credentials we issue; refuse them before decoding or hashing anything. */
const MAX_CREDENTIALS_LENGTH = 4096;

/**
 * Reads an Authorization header, as every face does: `Basic base64(user:password)` (the password may hold
 * colons; the user name may not) or `Bearer <token>` (access or personal token). Scheme names are
 * case-insensitive (RFC 9110 §11.1). Each face renders the failure in its own wire format.
 */
export async function authenticateRequest(auth: AuthService, authorization: string | undefined): Promise<AuthResult> {
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
  const principal = await auth.authenticateBasic(decoded.slice(0, colon), decoded.slice(colon + 1));
  return principal ? { ok: true, principal } : { ok: false, reason: 'invalid' };
}
