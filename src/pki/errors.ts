/**
 * Why a byte string could not be turned into what the caller asked for. The code lets each API pick its own
 * status (415 for 'not-certificate' and 'crl', 400 for 'hexalias', …) without parsing the message.
 */
export type PkiErrorCode = 'not-certificate' | 'crl' | 'malformed' | 'hexalias' | 'unsupported';

export class PkiError extends Error {
  override readonly name = 'PkiError';

  constructor(
    readonly code: PkiErrorCode,
    message: string,
  ) {
    super(message);
  }
}
