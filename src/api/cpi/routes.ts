import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import type { KeystoreName, KeystoreRef } from '../../keystore/model.js';
import { authError, authenticate } from './auth.js';
import { readBody } from './body.js';
import { type Answer, type CallState, type CpiCall, callState, setCallState } from './call.js';
import type { CsrfTokens } from './csrf.js';
import { resolveOperation } from './dispatch.js';
import { renderError } from './error-handler.js';
import { CpiError } from './errors.js';
import { assertSupportedOptions, negotiateFormat, negotiateWriteFormat, queryParams } from './query-options.js';
import { parseResourcePath, splitSegments } from './resource-path.js';

/** §1.2: these methods change something and need a CSRF token. */
const WRITE_METHODS = new Set(['POST', 'PUT', 'DELETE', 'PATCH', 'MERGE']);

/** Bodies of operations that name no limit of their own. */
const DEFAULT_BODY_LIMIT = 10_240;

const DEFAULT_TENANT = { project: 'default', environment: 'production' };

interface Located {
  project: string;
  environment: string;
  /** The service root's path as the client wrote it, for the links in answers. */
  rootPath: string;
  /** The rest of the path below the service root, still percent-encoded. */
  rest: string;
}

/** Splits a request URL into tenant and resource path: `/api/v1/…` or `/t/{project}/{environment}/api/v1/…`. */
function locate(url: string): Located {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (path.startsWith('/api/v1')) return { ...DEFAULT_TENANT, rootPath: '/api/v1', rest: path.slice('/api/v1'.length) };
  const m = /^\/t\/([^/]*)\/([^/]*)\/api\/v1(?=\/|$)/.exec(path);
  if (!m) throw new CpiError(404, 'Not found.');
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new CpiError(400, `The URI segment '${s}' is not correctly percent-encoded.`);
    }
  };
  return {
    project: decode(m[1] ?? ''),
    environment: decode(m[2] ?? ''),
    rootPath: m[0],
    rest: path.slice(m[0].length),
  };
}

function bodyLimitOf(state: CallState | undefined): number {
  const limit = state?.operation?.bodyLimit;
  if (typeof limit === 'function') return state?.call ? limit(state.call) : DEFAULT_BODY_LIMIT;
  return limit ?? DEFAULT_BODY_LIMIT;
}

function firstHeader(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function send(reply: FastifyReply, answer: Answer): FastifyReply {
  reply.code(answer.status).header('dataserviceversion', '2.0');
  for (const [k, v] of Object.entries(answer.headers ?? {})) reply.header(k, v);
  if (answer.type) reply.type(answer.type);
  return reply.send(answer.body ?? null);
}

/**
 * The OData service under both kinds of service root. Everything up to the operation's own checks happens in
 * `onRequest`, before a body is read, in the order a client sees: credentials (401), CSRF token (403), tenant
 * (404), role (403), path and options (400/404/405/501), then the operation's checks; the body's size comes after.
 */
export async function cpiRoutes(app: FastifyInstance, opts: { ctx: AppContext; csrf: CsrfTokens }): Promise<void> {
  const { ctx, csrf } = opts;

  if (!app.supportedMethods.includes('MERGE')) app.addHttpMethod('MERGE', { hasBody: true });

  // D10: the Content-Type is a hint at most; every body arrives as bytes and the operation sniffs it.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (req: FastifyRequest, payload: IncomingMessage) =>
    readBody(payload, bodyLimitOf(callState(req))),
  );

  app.setErrorHandler((err, req, reply) => renderError(err, req, reply));

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const params = queryParams(req.url);
    const accept = firstHeader(req.headers.accept);
    const negotiated = negotiateFormat(params, accept);
    const state: CallState = { format: negotiated.format };
    setCallState(req, state);
    const contentType = firstHeader(req.headers['content-type']);
    // Fastify refuses a body whose Content-Type it can't parse before any route code runs; SAP doesn't look at it.
    if (contentType !== undefined) req.headers['content-type'] = 'application/octet-stream';

    const auth = await authenticate(ctx, req);
    if (!auth.ok) throw authError(auth);
    const { principal } = auth;
    const write = WRITE_METHODS.has(req.method);
    if (write && !(await csrf.verify(principal, firstHeader(req.headers['x-csrf-token'])))) {
      // SAP's answer, which clients recognise by status and header to fetch a token and try again.
      return reply
        .code(403)
        .header('x-csrf-token', 'Required')
        .type('text/plain;charset=utf-8')
        .send('CSRF token validation failed');
    }
    if (negotiated.error) throw negotiated.error;

    const where = locate(req.url);
    const system = await ctx.keystore.tenants.keystore(where.project, where.environment, 'system');
    const role = write ? 'editor' : 'viewer';
    if (!(await ctx.auth.can(principal, system.projectId, role)))
      throw new CpiError(
        403,
        `The user '${principal.name}' is not allowed to ${write ? 'change' : 'read'} the keystores of project '${system.project}'.`,
      );

    const path = parseResourcePath(splitSegments(where.rest));
    const operation = resolveOperation(req.method, path);
    assertSupportedOptions(params, operation.queryOptions);
    const call: CpiCall = {
      ctx,
      principal,
      format: negotiated.format,
      writeFormat: negotiateWriteFormat(params, accept),
      params,
      path,
      base: `${req.protocol}://${req.host}${where.rootPath}`,
      system,
      keystore: (name: KeystoreName): Promise<KeystoreRef> =>
        name === 'system'
          ? Promise.resolve(system)
          : ctx.keystore.tenants.keystore(system.project, system.environment, name),
      contentType,
    };
    state.call = call;
    state.operation = operation;
    state.prepared = await operation.prepare(call);
  });

  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const state = callState(req);
    if (!state?.call || !state.operation) throw new CpiError(500, 'The request was not prepared.');
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    return send(reply, await state.operation.handle(state.call, state.prepared, body));
  };

  const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'MERGE', 'OPTIONS'];
  for (const url of ['/api/v1', '/api/v1/*', '/t/:project/:environment/api/v1', '/t/:project/:environment/api/v1/*'])
    app.route({ method: methods, url, handler });
}
