import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../context.js';
import { ApiOpsError, tooManyAttempts, unauthorized } from '../errors.js';
import { queryValues } from '../form-fields.js';
import { text } from '../messages.js';

/** A form body of a few fields; anything bigger is not a token request. */
const FORM_BYTES = 16 * 1024;

/** The answer of §3.1; no-store because it carries a credential (RFC 6749 §5.1). */
export interface TokenAnswer {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/**
 * §3.1 `POST /apiops/auth/token`: OAuth client credentials where client_id is a user name and client_secret
 * its password (Apinizer's way). Fields come from the form, or from the query string as Spring binds them.
 */
export async function tokenRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_BYTES },
    (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  app.post('/auth/token', async (req, reply): Promise<TokenAnswer> => {
    const body = typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
    const query = req.query as Record<string, unknown>;
    // Not trimmed: a password may begin or end with a space.
    const field = (name: string): string => {
      const v = body[name];
      return typeof v === 'string' && v !== '' ? v : (queryValues(query, name).find((q) => q !== '') ?? '');
    };
    if (field('grant_type').trim() !== 'client_credentials')
      throw new ApiOpsError(400, 'unsupported_grant_type', text.grantType);
    const basic = basicCredentials(req.headers.authorization);
    const clientId = field('client_id') || basic?.id || '';
    const secret = field('client_secret') || basic?.secret || '';
    // Asked first: a throttled client is refused without its secret being checked.
    const retryAfter = clientId ? ctx.auth.loginRetryAfter(clientId, req.ip) : 0;
    if (retryAfter > 0) throw tooManyAttempts(retryAfter);
    const issued = clientId && secret ? await ctx.auth.issueAccessToken(clientId, secret, req.ip) : null;
    if (!issued) throw unauthorized(text.badCredentials);
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    return { access_token: issued.token, token_type: 'Bearer', expires_in: issued.expiresIn };
  });
}

/** RFC 6749 §2.3.1 lets a client send its credentials as HTTP Basic instead of form fields. */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}
