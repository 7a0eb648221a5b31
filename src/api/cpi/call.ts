import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../auth/service.js';
import type { AppContext } from '../../context.js';
import type { KeystoreName, KeystoreRef } from '../../keystore/model.js';
import type { Format } from './query-options.js';
import type { ResourcePath } from './resource-path.js';

/** Everything the hooks learnt about a CPI request before its body is read; operations work from it. */
export interface CpiCall {
  ctx: AppContext;
  principal: Principal;
  format: Format;
  /** The format of the entries a write returns: JSON, as SAP answers, unless Atom is asked for by name. */
  writeFormat: Format;
  params: URLSearchParams;
  path: ResourcePath;
  /** The service root URL, `…/api/v1` or `…/t/{project}/{environment}/api/v1`, without a trailing slash. */
  base: string;
  /** The tenant's `system` keystore; its project is the one roles are checked on. */
  system: KeystoreRef;
  /** Another keystore of the same tenant (D21). */
  keystore(name: KeystoreName): Promise<KeystoreRef>;
  /** The Content-Type as sent; D10 makes it a hint at most. */
  contentType: string | undefined;
}

/** What an operation answers; the route writes it. */
export interface Answer {
  status: number;
  type?: string;
  /** A stream for answers too large to hold whole (render.ts). */
  body?: string | Buffer | Readable;
  headers?: Record<string, string>;
}

/**
 * One thing the API does, for one method on one kind of resource path. `prepare` runs every check that needs no
 * body before the body is read, so those errors come first as SAP orders them (§3.4: Hexalias and reserved alias,
 * then size); its result is handed to `handle` with the body. Whether it writes (editor role, CSRF token) follows
 * from the HTTP method, as §1.2 defines it.
 */
export interface Operation<P = unknown> {
  /** Largest body taken, in bytes (§1.6); a function where the configuration sets it (the keystore size). */
  bodyLimit?: number | ((call: CpiCall) => number);
  /** The system query options it serves; others get 501 (D8). Default: DEFAULT_QUERY_OPTIONS. */
  queryOptions?: readonly string[];
  prepare(call: CpiCall): Promise<P> | P;
  handle(call: CpiCall, prepared: P, body: Buffer): Promise<Answer>;
}

/** Per-request state, kept beside the request rather than declared on Fastify's type for every face. */
export interface CallState {
  /** The negotiated format, known before anything else so that every error can be written in it. */
  format: Format;
  call?: CpiCall;
  operation?: Operation;
  prepared?: unknown;
}

const states = new WeakMap<FastifyRequest, CallState>();

export function callState(req: FastifyRequest): CallState | undefined {
  return states.get(req);
}

export function setCallState(req: FastifyRequest, state: CallState): void {
  states.set(req, state);
}
