import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import apiopsPlugin from './api/apiops/plugin.js';
import cpiPlugin from './api/cpi/plugin.js';
import restPlugin from './api/rest/plugin.js';
import type { AppContext } from './context.js';
import { redactUrl } from './http/redact.js';

/** Builds the HTTP app: each face is a plugin under its own prefix, with its own parsers, auth and errors. */
export async function buildServer(ctx: AppContext, opts: { logger?: boolean } = {}): Promise<FastifyInstance> {
  const { config } = ctx;
  const options: FastifyServerOptions & { https?: { cert: Buffer; key: Buffer } } = {
    logger:
      opts.logger === false
        ? false
        : {
            level: config.logLevel,
            serializers: {
              // Query strings may carry client secrets (some SAP clients send them there); never log them.
              req: (req: { method: string; url: string }) => ({ method: req.method, url: redactUrl(req.url) }),
            },
          },
    bodyLimit: config.maxBodyBytes,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 4096 },
    trustProxy: false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  };
  if (config.tlsCert && config.tlsKey)
    options.https = { cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey) };
  const app = Fastify(options);

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_req, reply) => {
    const started = performance.now();
    try {
      await ctx.store.db.selectFrom('projects').select('id').limit(1).execute();
      return {
        status: 'ready',
        store: ctx.store.dialect,
        storeMs: Math.round((performance.now() - started) * 100) / 100,
      };
    } catch {
      return reply.code(503).send({ status: 'unavailable', store: ctx.store.dialect });
    }
  });

  await app.register(cpiPlugin, { ctx });
  await app.register(apiopsPlugin, { ctx, prefix: '/apiops' });
  await app.register(restPlugin, { ctx, prefix: '/v1' });
  return app;
}
