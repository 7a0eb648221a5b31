import { CpiError } from './errors.js';

/**
 * A fault in `$filter` or `$orderby` text, at a 0-based character offset of the option's decoded value. 400 for
 * what is wrong; 501 for valid OData V2 that this server does not evaluate (D8: clients retry without it).
 */
export class FilterError extends Error {
  override readonly name = 'FilterError';
  constructor(
    message: string,
    readonly position: number,
    readonly status: 400 | 501 = 400,
  ) {
    super(message);
  }
}

/** The OData error for a fault in the named option: `Invalid $filter at position 17: expected ')'.` */
export function optionError(option: string, e: unknown): unknown {
  if (!(e instanceof FilterError)) return e;
  const what = e.status === 501 ? 'Unsupported' : 'Invalid';
  return new CpiError(e.status, `${what} ${option} at position ${e.position}: ${e.message}.`);
}
