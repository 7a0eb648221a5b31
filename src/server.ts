import { readFileSync } from 'node:fs';
import type { ServerOptions as HttpServerOptions } from 'node:http';
import type { ServerOptions as HttpsServerOptions } from 'node:https';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import apiopsPlugin from './api/apiops/plugin.js';
import cpiPlugin from './api/cpi/plugin.js';
import restPlugin from './api/rest/plugin.js';
import type { AppContext } from './context.js';
import { frameworkError } from './framework-errors.js';
import { AccessLog } from './http/access-log.js';
import { BatchedStdout } from './http/log-sink.js';
import { redactUrl } from './http/redact.js';

/** A balancer probing /ready wants an answer, not a hang, when the database does not answer. */
const READY_TIMEOUT_MS = 3000;

/**
 * What Node's HTTP server needs besides Fastify's options for requestTimeout to hold: the headers of every request
 * on a kept-alive connection (also the one after an answered request) get no longer than the request would, and
 * the timeouts are checked often enough to mean something (Node checks every 30 s by default).
 */
function nodeTimeouts(requestTimeoutMs: number): HttpServerOptions {
  const limit = requestTimeoutMs || 60_000;
  return {
    headersTimeout: Math.min(limit, 60_000),
    connectionsCheckingInterval: Math.max(250, Math.min(30_000, Math.floor(limit / 4))),
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Builds the HTTP app: each face is a plugin under its own prefix, with its own parsers, auth and errors. */
export async function buildServer(ctx: AppContext, opts: { logger?: boolean } = {}): Promise<FastifyInstance> {
  const { config } = ctx;
  const options: FastifyServerOptions & { http?: HttpServerOptions; https?: HttpsServerOptions } = {
    logger:
      opts.logger === false
        ? false
        : {
            level: config.logLevel,
            stream: new BatchedStdout(),
            serializers: {
              // Query strings may carry client secrets (some SAP clients send them there); never log them.
              req: (req: { method: string; url: string }) => ({ method: req.method, url: redactUrl(req.url) }),
            },
          },
    logController: new AccessLog(),
    bodyLimit: config.maxBodyBytes,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 4096 },
    trustProxy: false,
    // SIGTERM: stop listening, answer 503 to new requests on open connections, let those in flight finish.
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // A client must send its whole request within requestTimeout (408 otherwise) and may not keep a silent socket
    // beyond connectionTimeout, so slow or stalled senders can't hold the server's sockets.
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.connectionTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    http: nodeTimeouts(config.requestTimeoutMs),
    frameworkErrors: frameworkError,
  };
  if (config.tlsCert && config.tlsKey)
    options.https = {
      cert: readFileSync(config.tlsCert),
      key: readFileSync(config.tlsKey),
      ...nodeTimeouts(config.requestTimeoutMs),
    };
  const app = Fastify(options);

  // A request still in flight when shutdown begins is answered with `Connection: close`: a client that keeps its
  // connection alive would otherwise hold the process up to keepAliveTimeout after its answer.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_req, reply) => {
    const started = performance.now();
    try {
      await withTimeout(ctx.store.db.selectFrom('projects').select('id').limit(1).execute(), READY_TIMEOUT_MS);
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
