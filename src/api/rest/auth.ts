import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasControlChars } from '../../auth/rules.js';
import type { Principal, Role } from '../../auth/service.js';
import type { AppContext } from '../../context.js';
import { authenticateRequest } from '../../http/credentials.js';
import { DomainError, notFound } from '../../keystore/errors.js';
import type { Project } from '../../keystore/model.js';
import { sendError } from './errors.js';

// Kept beside the request rather than declared on FastifyRequest: a declaration merged into fastify's
// types would reach every other face of the server.
const principals = new WeakMap<FastifyRequest, Principal>();

const messages = {
  missing: 'Authentication required: send HTTP Basic credentials or a Bearer token',
  invalid: 'The credentials are not valid',
  expired: 'The token has expired',
} as const;

/** An onRequest hook: every route of this API needs a caller, checked before the body is even read. */
export function authenticate(ctx: AppContext) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const result = await authenticateRequest(ctx.auth, req.headers.authorization, req.ip);
    if (result.ok) {
      principals.set(req, result.principal);
      return;
    }
    if (result.reason === 'throttled')
      return sendError(
        reply.header('Retry-After', String(result.retryAfter)),
        429,
        'throttled',
        `Too many failed logins; try again in ${result.retryAfter} s`,
      );
    reply.header('WWW-Authenticate', 'Basic realm="openkeystore"');
    return sendError(reply, 401, 'unauthorized', messages[result.reason]);
  };
}

export function principalOf(req: FastifyRequest): Principal {
  const p = principals.get(req);
  if (!p) throw new Error('route reached without authentication');
  return p;
}

export const forbidden = (message: string) => new DomainError('Forbidden', message);

export async function requireGlobal(ctx: AppContext, req: FastifyRequest, role: Role, what: string): Promise<void> {
  if (!(await ctx.auth.can(principalOf(req), null, role)))
    throw forbidden(`Only a user with the ${role} role in every project may ${what}`);
}

/**
 * Resolves a project the caller needs `role` in. A project the caller can't even see answers exactly as
 * a missing one does, so project names don't leak to users outside them.
 */
export async function requireProject(
  ctx: AppContext,
  req: FastifyRequest,
  name: string,
  role: Role,
  what: string,
): Promise<Project> {
  const principal = principalOf(req);
  const hidden = notFound('project', name, `Project '${name}' not found`);
  if (hasControlChars(name)) throw hidden;
  let project: Project;
  try {
    project = await ctx.keystore.tenants.getProject(name);
  } catch (e) {
    if (e instanceof DomainError && e.kind === 'NotFound') throw hidden;
    throw e;
  }
  if (!(await ctx.auth.can(principal, project.id, 'viewer'))) throw hidden;
  if (!(await ctx.auth.can(principal, project.id, role)))
    throw forbidden(`Only a user with the ${role} role in project '${name}' may ${what}`);
  return project;
}
