import { badRequest } from './errors.js';
import { queryText } from './form-fields.js';
import { text } from './messages.js';

/**
 * What update and delete do to JWKs made from the certificate (§3.4, §3.5, A15); the JWK domain applies them
 * in the certificate's own transaction (keystore/jwks.ts followCertificate).
 */
export interface UpdateOptions {
  jwkUpdateAction: 'NULLIFY' | 'UPDATE';
  updateScope: 'SAME_PROJECT' | 'ALL_PROJECTS';
}

export interface DeleteOptions {
  jwkDeleteAction: 'NULLIFY' | 'DELETE';
}

type Query = Record<string, unknown>;

function pick<T extends string>(query: Query, name: string, allowed: readonly T[], fallback: T): T {
  const raw = queryText(query, name);
  if (raw === '') return fallback;
  const found = allowed.find((a) => a === raw.toUpperCase());
  if (!found) throw badRequest(text.badOption(name, allowed));
  return found;
}

export function updateOptions(query: Query): UpdateOptions {
  // OLD's `updateReferencedJwks=true` is NEW's `jwkUpdateAction=UPDATE`; NEW's option wins when both come.
  const old = queryText(query, 'updateReferencedJwks').toLowerCase() === 'true' ? 'UPDATE' : 'NULLIFY';
  return {
    jwkUpdateAction: pick(query, 'jwkUpdateAction', ['NULLIFY', 'UPDATE'] as const, old),
    updateScope: pick(query, 'updateScope', ['SAME_PROJECT', 'ALL_PROJECTS'] as const, 'SAME_PROJECT'),
  };
}

export function deleteOptions(query: Query): DeleteOptions {
  return { jwkDeleteAction: pick(query, 'jwkDeleteAction', ['NULLIFY', 'DELETE'] as const, 'NULLIFY') };
}
