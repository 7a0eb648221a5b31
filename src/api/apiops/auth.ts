import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../auth/service.js';
import type { AppContext } from '../../context.js';
import { authenticateRequest } from '../../http/credentials.js';
import { internalError, tooManyAttempts, unauthorized } from './errors.js';
import { text } from './messages.js';

/** Who made each authenticated request; a WeakMap keeps the face's state off Fastify's shared request type. */
const principals = new WeakMap<FastifyRequest, Principal>();

const reasons = {
  missing: text.emptyKey,
  invalid: text.tokenInvalid,
  expired: text.tokenExpired,
} as const;

/**
 * onRequest hook: Bearer (personal access tokens and tokens of /apiops/auth/token) or Basic. It runs before
 * the body is read, so an unauthenticated upload is refused without parsing it.
 */
export function authenticate(ctx: AppContext) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const result = await authenticateRequest(ctx.auth, req.headers.authorization, req.ip);
    if (!result.ok) {
      if (result.reason === 'throttled') throw tooManyAttempts(result.retryAfter);
      throw unauthorized(reasons[result.reason]);
    }
    principals.set(req, result.principal);
  };
}

export function principalOf(req: FastifyRequest): Principal {
  const p = principals.get(req);
  // Only reachable when a route is registered outside the authenticated scope by mistake.
  if (!p) throw internalError();
  return p;
}
