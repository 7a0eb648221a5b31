/**
 * Why a byte string could not be turned into what the caller asked for. The code lets each API pick its own
 * status (415 for 'not-certificate', 'crl' and 'not-keystore', 400 for 'hexalias' and 'password', …) without
 * parsing the message.
 */
export type PkiErrorCode =
  | 'not-certificate'
  | 'crl'
  | 'malformed'
  | 'hexalias'
  | 'unsupported'
  | 'password'
  | 'not-keystore'
  /** The bytes are not a PKCS#12 file at all, as opposed to a PKCS#12 file that cannot be read (415 versus 400). */
  | 'not-pkcs12';

export class PkiError extends Error {
  override readonly name = 'PkiError';

  constructor(
    readonly code: PkiErrorCode,
    message: string,
  ) {
    super(message);
  }
}
