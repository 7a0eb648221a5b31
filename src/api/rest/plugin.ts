import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { authenticate } from './auth.js';
import { errorHandler, sendError } from './errors.js';
import { projectRoutes } from './projects.js';

/** The native REST API, under /v1: JSON in and out, TypeBox schemas, errors as {"error","message"}. */
export default async function restPlugin(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { ctx } = opts;
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) =>
    sendError(reply, 404, 'not_found', `No route ${req.method} ${req.url.split('?')[0]}`),
  );
  app.addHook('onRequest', authenticate(ctx));
  projectRoutes(app, ctx);
}
