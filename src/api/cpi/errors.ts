import type { DomainError, ErrorKind } from '../../keystore/errors.js';
import { xmlText } from './xml.js';

/** An answer this API gives instead of a result: an HTTP status and SAP's message text. */
export class CpiError extends Error {
  override readonly name = 'CpiError';
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** §1.5: the `code` of an OData error is the HTTP reason phrase. */
const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  423: 'Locked',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

export const reasonPhrase = (status: number): string => REASONS[status] ?? 'Error';

const KIND_STATUS: Record<ErrorKind, number> = {
  NotFound: 404,
  AlreadyExists: 400,
  Invalid: 400,
  Reserved: 403,
  Forbidden: 403,
  Conflict: 409,
  NotTrusted: 409,
  TooLarge: 413,
  Unsupported: 415,
  // D12: a keystore that stays locked past the wait is "try again later", not a client error.
  Locked: 503,
};

export const domainStatus = (e: DomainError): number => KIND_STATUS[e.kind];

export interface ErrorBody {
  status: number;
  message: string;
}

export function errorJson({ status, message }: ErrorBody): string {
  return JSON.stringify({ error: { code: reasonPhrase(status), message: { lang: 'en', value: message } } });
}

export function errorXml({ status, message }: ErrorBody): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    '<error xmlns="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata">' +
    `<code>${xmlText(reasonPhrase(status))}</code><message xml:lang="en">${xmlText(message)}</message></error>`
  );
}

export const badRequest = (message: string) => new CpiError(400, message);
export const notFound = (message: string) => new CpiError(404, message);
export const notImplemented = (message: string) => new CpiError(501, message);
