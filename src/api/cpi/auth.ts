import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { type AuthResult, authenticateRequest, type ThrottledResult } from '../../http/credentials.js';
import { CpiError } from './errors.js';

/** §1.1: SPEC declares Basic; a missing or bad credential is answered with this challenge. */
export const WWW_AUTHENTICATE = 'Basic realm="openkeystore"';

// The host-root CSRF hook and the CPI routes may both ask; a password is checked once per request.
const results = new WeakMap<object, Promise<AuthResult | ThrottledResult>>();

export function authenticate(ctx: AppContext, req: FastifyRequest): Promise<AuthResult | ThrottledResult> {
  let result = results.get(req.raw);
  if (!result) {
    const header = req.headers.authorization;
    result = authenticateRequest(ctx.auth, Array.isArray(header) ? header[0] : header, req.ip);
    results.set(req.raw, result);
  }
  return result;
}

const REASONS = {
  missing: 'Authentication is required: send HTTP Basic credentials or a Bearer token.',
  invalid: 'The credentials are not valid.',
  expired: 'The access token has expired; request a new one.',
} as const;

export function unauthorized(reason: keyof typeof REASONS): CpiError {
  return new CpiError(401, REASONS[reason], { 'www-authenticate': WWW_AUTHENTICATE });
}

/** Too many failed logins from this client for this name: 429 until the oldest failure leaves the window. */
export function throttled(retryAfter: number): CpiError {
  return new CpiError(429, 'Too many failed logins; try again later.', { 'retry-after': String(retryAfter) });
}

/** The OData error for a failed authentication, whatever the reason. */
export function authError(result: Exclude<AuthResult | ThrottledResult, { ok: true }>): CpiError {
  return result.reason === 'throttled' ? throttled(result.retryAfter) : unauthorized(result.reason);
}
