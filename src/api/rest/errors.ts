import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorKind, isDomainError } from '../../keystore/errors.js';

/** The REST API's error body: a stable machine-readable kind and a sentence for people. */
export interface ErrorBody {
  error: string;
  message: string;
}

const domainStatus: Record<ErrorKind, number> = {
  NotFound: 404,
  AlreadyExists: 409,
  Invalid: 400,
  Reserved: 400,
  Forbidden: 403,
  Conflict: 409,
  NotTrusted: 400,
  TooLarge: 413,
  Unsupported: 400,
  Locked: 423,
};

/** NotFound -> not_found: the kinds read as the rest of a JSON API does. */
const snake = (kind: string) => kind.replace(/[a-z][A-Z]/g, (s) => `${s[0]}_${s[1]}`).toLowerCase();

/** What Fastify's own 4xx errors (parser, body limit, media type) are called here. */
const httpKind: Record<number, string> = {
  400: 'invalid',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  413: 'too_large',
  415: 'unsupported_media_type',
};

export function sendError(reply: FastifyReply, status: number, error: string, message: string): FastifyReply {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ error, message } satisfies ErrorBody);
}

/** Maps whatever a route threw to the REST error shape; only a genuine server fault becomes a 500. */
export function errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (isDomainError(err)) return sendError(reply, domainStatus[err.kind] ?? 400, snake(err.kind), err.message);
  if (err.validation) return sendError(reply, 400, 'invalid', `Invalid request: ${err.message}`);
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) return sendError(reply, status, httpKind[status] ?? 'bad_request', err.message);
  req.log.error({ err }, 'request failed');
  return sendError(reply, 500, 'internal', 'An unexpected error occurred');
}
