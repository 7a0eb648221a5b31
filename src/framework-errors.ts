import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorJson, errorXml } from './api/cpi/errors.js';

/**
 * Errors Fastify raises before any route runs (a URL with broken percent-encoding, say) are the caller's input
 * too: each face answers them in its own error format, as it would any other bad request.
 */
export function frameworkError(error: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const status = typeof error.statusCode === 'number' && error.statusCode < 500 ? error.statusCode : 400;
  const message = error.code === 'FST_ERR_BAD_URL' ? `The request URL is not valid: ${req.url}` : error.message;
  const path = req.url;
  if (path.startsWith('/api/') || path.startsWith('/t/') || path.startsWith('/oauth/')) {
    const json = /json/i.test(String(req.headers.accept ?? '')) || /\$format=json/i.test(path);
    reply
      .code(status)
      .type(json ? 'application/json;charset=utf-8' : 'application/xml;charset=utf-8')
      .send(json ? errorJson({ status, message }) : errorXml({ status, message }));
    return;
  }
  if (path.startsWith('/apiops')) {
    // Apinizer answers every input error with 400 (§1.2).
    reply.code(400).type('application/json; charset=utf-8').send({ error: 'bad_request', error_description: message });
    return;
  }
  reply.code(status).send({ error: 'bad_request', message });
}
