import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { readBody } from './body.js';
import { CpiError } from './errors.js';

/** A token request is a few form fields. */
const BODY_LIMIT = 8192;

class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(description);
  }
}

/** Client credentials from Basic auth (premsaidaggolu), else form fields, else the query (contiva) — D25. */
function clientCredentials(req: FastifyRequest, form: URLSearchParams, query: URLSearchParams) {
  const header = req.headers.authorization;
  const m = typeof header === 'string' ? /^\s*basic\s+(\S+)\s*$/i.exec(header) : null;
  if (m) {
    const decoded = Buffer.from(m[1] ?? '', 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 1) throw new OAuthError(401, 'invalid_client', 'The Basic credentials are malformed.');
    // RFC 6749 §2.3.1: id and secret are form-encoded before they go into the Basic header.
    const unform = (s: string) => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        return s;
      }
    };
    return { id: unform(decoded.slice(0, colon)), secret: unform(decoded.slice(colon + 1)) };
  }
  const id = form.get('client_id') ?? query.get('client_id');
  const secret = form.get('client_secret') ?? query.get('client_secret');
  if (!id || !secret) throw new OAuthError(401, 'invalid_client', 'Client authentication is required.');
  return { id, secret };
}

/**
 * `POST /oauth/token` (D25): OAuth 2.0 client credentials, as SAP's XSUAA answers them. The token it returns is a
 * Bearer credential for every API of this server. Errors are OAuth JSON, not OData.
 */
export async function oauthRoutes(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { ctx } = opts;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req: FastifyRequest, payload: IncomingMessage) => readBody(payload, BODY_LIMIT));

  app.setErrorHandler((err, _req, reply) => {
    const status = err instanceof OAuthError || err instanceof CpiError ? err.status : 500;
    const error = err instanceof OAuthError ? err.error : status === 500 ? 'server_error' : 'invalid_request';
    if (status === 500) reply.log.error({ err }, 'token request failed');
    if (status === 401) reply.header('www-authenticate', 'Basic realm="openkeystore"');
    return reply
      .code(status)
      .header('cache-control', 'no-store')
      .type('application/json;charset=utf-8')
      .send({ error, error_description: status === 500 ? 'An internal error occurred.' : (err as Error).message });
  });

  app.post('/oauth/token', async (req: FastifyRequest, reply: FastifyReply) => {
    const q = req.url.indexOf('?');
    const query = new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1));
    const form = new URLSearchParams(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '');
    const grant = form.get('grant_type') ?? query.get('grant_type');
    if (!grant) throw new OAuthError(400, 'invalid_request', 'The parameter grant_type is missing.');
    if (grant !== 'client_credentials')
      throw new OAuthError(
        400,
        'unsupported_grant_type',
        `The grant type '${grant}' is not supported; use client_credentials.`,
      );
    const { id, secret } = clientCredentials(req, form, query);
    // Asked first: a throttled client is refused without its secret being checked.
    const retryAfter = id ? ctx.auth.loginRetryAfter(id, req.ip) : 0;
    if (retryAfter > 0) {
      reply.header('retry-after', String(retryAfter));
      throw new OAuthError(429, 'slow_down', 'Too many failed logins; try again later.');
    }
    const issued = await ctx.auth.issueAccessToken(id, secret, req.ip);
    if (!issued) throw new OAuthError(401, 'invalid_client', 'Bad credentials.');
    return reply
      .header('cache-control', 'no-store')
      .header('pragma', 'no-cache')
      .type('application/json;charset=utf-8')
      .send({
        access_token: issued.token,
        token_type: 'bearer',
        expires_in: issued.expiresIn,
        scope: 'openkeystore',
        // Identifies the token (e.g. in a support case) without being the token or the hash it is stored under.
        jti: createHash('sha256').update(`jti\0${issued.token}`).digest('hex').slice(0, 32),
      });
  });
}
