import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { fromDomainError } from './domain-errors.js';
import { ApiOpsError, badRequest, internalError } from './errors.js';
import { text } from './messages.js';

/** Everything that leaves the face as an error leaves in Apinizer's body (A1), with its status (§1.2). */
export function renderError(error: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const known = error instanceof ApiOpsError ? error : (fromDomainError(error) ?? fromFastifyError(error, req));
  const answer = known ?? internalError();
  if (!known) req.log.error({ err: error }, 'apiops: unexpected error');
  if (answer.closeConnection) reply.header('connection', 'close');
  if (answer.statusCode === 401) reply.header('www-authenticate', 'Bearer realm="apiops"');
  if (answer.retryAfter !== undefined) reply.header('retry-after', String(answer.retryAfter));
  return reply.code(answer.statusCode).type('application/json; charset=utf-8').send(answer.body);
}

/** Fastify's own 4xx (body parsing, content types) are the caller's input too: 400, never 415 or 413. */
function fromFastifyError(error: unknown, req: FastifyRequest): ApiOpsError | undefined {
  const e = error as Partial<FastifyError>;
  if (typeof e?.statusCode !== 'number' || e.statusCode < 400 || e.statusCode >= 500) return undefined;
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return badRequest(text.unsupportedMediaType(req.headers['content-type'] ?? ''));
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return badRequest(text.bodyTooLarge, true);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return badRequest(text.badBody);
    default:
      return badRequest(e.message && e.message.length > 0 ? e.message : text.badBody);
  }
}

/** Unknown paths and methods under /apiops: §1.2 answers 400 where other APIs would say 404. */
export function renderNoRoute(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = req.url.split('?')[0] ?? req.url;
  return renderError(badRequest(text.noRoute(req.method, path)), req, reply);
}
