import { PkiError } from '../../pki/errors.js';
import { decodeHexAlias } from '../../pki/hexalias.js';
import { badRequest } from './errors.js';
import type { KeyPredicate } from './resource-path.js';

/** §1.6: a Hexalias holds at most 2 000 characters. */
const MAX_HEXALIAS = 2000;

/**
 * The alias addressed by `('<hex>')`. D9: a bad Hexalias is the client's fault, 400 with the Java parser's texts,
 * not SAP's 500 (which makes some clients retry forever).
 */
export function aliasFromKey(key: KeyPredicate | undefined): string {
  const raw = key?.kind === 'single' ? key.value : key?.values.get('Hexalias');
  if (typeof raw !== 'string') throw badRequest("The key predicate must be the Hexalias as a string, e.g. ('6D79').");
  if (raw.length > MAX_HEXALIAS) throw badRequest(`The Hexalias is longer than ${MAX_HEXALIAS} characters.`);
  try {
    return decodeHexAlias(raw);
  } catch (e) {
    if (e instanceof PkiError) throw badRequest(e.message);
    throw e;
  }
}
