import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../keystore/errors.js';
import type { CertificateFacts } from '../../pki/certificate.js';
import { PkiError } from '../../pki/errors.js';
import { callState } from './call.js';
import { KEYSTORE_ENTRY } from './edm.js';
import { refusedEntryValues } from './entities.js';
import { CpiError, domainStatus, errorJson, errorXml } from './errors.js';
import { JSON_TYPE, jsonEntityObject } from './json-writer.js';
import { selection } from './selection.js';

interface Rendered {
  status: number;
  message: string;
  headers?: Record<string, string>;
}

/**
 * D17: a 409 whose message is the refused certificate as a KeystoreEntry in JSON, `Validity` "notTrusted" and
 * `Status` "notImported", for clients that show the user what they would have trusted.
 */
function notTrusted(e: DomainError, req: FastifyRequest): string {
  const { facts, kind } = (e.detail ?? {}) as { facts?: CertificateFacts; kind?: string };
  const base = callState(req)?.call?.base ?? '';
  if (!facts) return e.message;
  const values = refusedEntryValues(
    e.subject?.name ?? '',
    { ...facts, notBefore: facts.notBefore.getTime(), notAfter: facts.notAfter.getTime() },
    kind === 'keypair' ? 'Key Pair' : 'Certificate',
  );
  return JSON.stringify({ d: jsonEntityObject(selection(KEYSTORE_ENTRY, undefined), 'KeystoreEntries', values, base) });
}

/** Fastify's own refusals (a body that doesn't match its Content-Length, …) carry a 4xx status and a plain message. */
function isClientError(e: unknown): e is Error & { statusCode: number } {
  const status = (e as { statusCode?: unknown } | null)?.statusCode;
  return e instanceof Error && typeof status === 'number' && status >= 400 && status < 500;
}

function classify(err: unknown, req: FastifyRequest): Rendered {
  if (err instanceof CpiError) return { status: err.status, message: err.message, headers: err.headers };
  if (err instanceof DomainError) {
    if (err.kind === 'NotTrusted') return { status: 409, message: notTrusted(err, req) };
    return { status: domainStatus(err), message: err.message };
  }
  if (err instanceof PkiError) return { status: err.code === 'hexalias' ? 400 : 415, message: err.message };
  if (isClientError(err)) return { status: err.statusCode, message: err.message };
  req.log.error({ err }, 'CPI request failed');
  // No internals leave the server: the log has them.
  return { status: 500, message: 'An internal error occurred. The server log has the details.' };
}

/** §1.5, D7: every error as an OData error, in JSON when the request negotiated JSON, else XML. */
export function renderError(err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, message, headers } = classify(err, req);
  const format = callState(req)?.format ?? 'atom';
  reply.code(status).header('dataserviceversion', '1.0');
  for (const [k, v] of Object.entries(headers ?? {})) reply.header(k, v);
  if (format === 'json') return reply.type(JSON_TYPE).send(errorJson({ status, message }));
  return reply.type('application/xml;charset=utf-8').send(errorXml({ status, message }));
}
