import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { authenticate, WWW_AUTHENTICATE } from './auth.js';
import { CsrfTokens } from './csrf.js';
import { oauthRoutes } from './oauth.js';
import { cpiRoutes } from './routes.js';

const isHostRoot = (url: string) => url === '/' || url.startsWith('/?');

/**
 * D4, §1.2: a GET that asks with `X-CSRF-Token: Fetch` (any case) gets a token on any path of the host: the host
 * root (contiva caches the token it gets there), the service root, `$metadata`, even a path that answers 404. The
 * cookie is what SAP's session cookie is to clients with a cookie jar: they send it back; the token alone counts.
 */
function csrfFetchHook(ctx: AppContext, csrf: CsrfTokens) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return;
    const asked = req.headers['x-csrf-token'];
    if (typeof asked !== 'string' || asked.trim().toLowerCase() !== 'fetch') return;
    const auth = await authenticate(ctx, req);
    if (auth.ok) {
      const secure = req.protocol === 'https' ? '; Secure' : '';
      reply
        .header('x-csrf-token', await csrf.issue(auth.principal))
        .header(
          'set-cookie',
          `JSESSIONID=${randomBytes(16).toString('hex')}; Path=/; HttpOnly; SameSite=Strict${secure}`,
        )
        .header('cache-control', 'no-store');
      // contiva fetches with axios, which throws on a 404 or loses the header across a redirect: the host root
      // answers the fetch itself, 200, whatever else may serve `/`.
      if (isHostRoot(req.url)) return reply.code(200).type('text/plain;charset=utf-8').send('');
      return;
    }
    // Elsewhere the route's own authentication answers; for the host root this hook is the only one that can.
    if (isHostRoot(req.url))
      return reply
        .code(401)
        .header('www-authenticate', WWW_AUTHENTICATE)
        .type('text/plain;charset=utf-8')
        .send('Authentication is required to fetch a CSRF token.');
  };
}

/**
 * The SAP Cloud Integration keystore API (OData V2) under `/api/v1` (tenant default/production) and
 * `/t/{project}/{environment}/api/v1`, plus SAP's token endpoint `/oauth/token`.
 *
 * This function runs in the root context on purpose (skip-override): the CSRF fetch must answer on the host root
 * and on paths no plugin owns, so its hook has to sit at the root. It adds that one hook and nothing else there;
 * the routes, their body parser and error handler live in encapsulated child plugins and touch no other face.
 */
async function cpiPlugin(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { ctx } = opts;
  const csrf = new CsrfTokens(ctx.store, ctx.config.csrfTtlMs);
  app.addHook('onRequest', csrfFetchHook(ctx, csrf));
  await app.register(cpiRoutes, { ctx, csrf });
  await app.register(oauthRoutes, { ctx });
}

Object.assign(cpiPlugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'cpi',
});

export default cpiPlugin;
