import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { authenticate } from './auth.js';
import { renderError, renderNoRoute } from './error-handler.js';
import { badRequest } from './errors.js';
import { type ApiOpsLimits, defaultLimits } from './limits.js';
import { text } from './messages.js';
import { certificateExportRoutes } from './routes/certificate-export.js';
import { certificateImportRoutes } from './routes/certificate-import.js';
import { certificateRoutes } from './routes/certificates.js';
import { jwkRoutes } from './routes/jwks.js';
import { keystoreFileRoutes } from './routes/keystore-files.js';
import { keystorePackageRoutes } from './routes/keystore-package.js';
import { keystoreRoutes } from './routes/keystores.js';
import { tenantRoutes } from './routes/tenants.js';
import { tokenRoutes } from './routes/token.js';
import { truststoreRoutes } from './routes/truststore.js';

export interface ApiOpsOptions {
  ctx: AppContext;
  /** A12: overrides of the upload limits. */
  limits?: Partial<ApiOpsLimits>;
}

/**
 * Apinizer's API Ops under /apiops: the token endpoint open, everything else behind a Bearer or Basic
 * credential. Every answer, errors included, is in Apinizer's wire form; nothing here knows SQL.
 */
const apiopsPlugin: FastifyPluginAsync<ApiOpsOptions> = async (app, opts) => {
  const { ctx } = opts;
  const limits: ApiOpsLimits = {
    ...defaultLimits(ctx.config.maxBodyBytes),
    keystoreFileBytes: ctx.config.maxKeystoreBytes,
    ...opts.limits,
  };

  // Size limits are checked part by part in readForm, so a too-large file is a 400 and not a thrown 413.
  await app.register(multipart, { throwFileSizeLimit: false });
  tolerateEmptyJson(app);
  app.setErrorHandler((error, req, reply) => renderError(error, req, reply));
  app.setNotFoundHandler((req, reply) => renderNoRoute(req, reply));

  await app.register(async (open) => tokenRoutes(open, ctx));
  await app.register(async (secured) => {
    secured.addHook('onRequest', authenticate(ctx));
    secured.addHook('preValidation', refuseNul);
    await tenantRoutes(secured, ctx);
    await certificateRoutes(secured, ctx, limits);
    await certificateExportRoutes(secured, ctx);
    await certificateImportRoutes(secured, ctx, limits);
    await truststoreRoutes(secured, ctx, limits);
    await keystoreRoutes(secured, ctx, limits);
    await keystoreFileRoutes(secured, ctx, limits);
    await keystorePackageRoutes(secured, ctx, limits);
    await jwkRoutes(secured, ctx);
  });
};

/**
 * Clients often send `Content-Type: application/json` on a GET or DELETE without a body; Fastify's parser
 * refuses that; an empty body is simply no body (an operation that needs one says so in its own words).
 */
function tolerateEmptyJson(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (typeof body === 'string' && body.trim() === '') return done(null, undefined);
    parseJson(req, body as string, done);
  });
}

/**
 * NUL can't be stored in PostgreSQL text, and no name holds one, so such a value is refused before it
 * reaches a query that would fail on it.
 */
async function refuseNul(req: FastifyRequest, _reply: FastifyReply): Promise<void> {
  for (const source of [req.params, req.query]) {
    if (typeof source !== 'object' || source === null) continue;
    for (const v of Object.values(source as Record<string, unknown>).flat())
      if (typeof v === 'string' && v.includes('\u0000')) throw badRequest(text.nulCharacter);
  }
}

export default apiopsPlugin;
