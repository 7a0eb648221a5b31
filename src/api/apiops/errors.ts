import { text } from './messages.js';

/** The error codes of Apinizer's error body (§1.2); `error` is what clients branch on. */
export type ApiOpsErrorCode =
  | 'bad_request'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'too_many_requests'
  | 'internal_error';

/** Apinizer's error body, `{"error","error_description"}` (A1), as the seed shows it. */
export interface ErrorBody {
  error: ApiOpsErrorCode;
  error_description: string;
}

/** An answer that is already in the wire form: thrown anywhere below a route, rendered by the error handler. */
export class ApiOpsError extends Error {
  override readonly name = 'ApiOpsError';
  constructor(
    readonly statusCode: 400 | 401 | 429 | 500,
    readonly code: ApiOpsErrorCode,
    readonly description: string,
    /** Close the connection after answering: the client is still sending a body we refuse to read. */
    readonly closeConnection = false,
    /** Seconds a throttled client should wait (429). */
    readonly retryAfter?: number,
  ) {
    super(description);
  }

  get body(): ErrorBody {
    return { error: this.code, error_description: this.description };
  }
}

export const badRequest = (description: string, closeConnection = false) =>
  new ApiOpsError(400, 'bad_request', description, closeConnection);

export const unauthorized = (description: string) => new ApiOpsError(401, 'unauthorized_client', description);

/** Too many failed logins from this client for this name (not Apinizer's: openkeystore's brute-force limit). */
export const tooManyAttempts = (retryAfter: number) =>
  new ApiOpsError(429, 'too_many_requests', text.tooManyAttempts, false, retryAfter);

export const internalError = () => new ApiOpsError(500, 'internal_error', text.unexpected);
