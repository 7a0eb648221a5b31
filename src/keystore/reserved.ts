import { DomainError } from './errors.js';

const RESERVED = new Set(['hcicertificate', 'hcicertificate1', 'hcimsgcertificate']);

/** SAP keeps these aliases for its own keys; writing, renaming or deleting them is refused. */
export function reservedReason(alias: string): string | null {
  if (alias.toLowerCase().startsWith('sap_'))
    return "The alias is not allowed. Aliases starting with 'sap_' are reserved for SAP.";
  if (RESERVED.has(alias.toLowerCase())) return `The alias is not allowed. The alias '${alias}' is reserved for SAP.`;
  return null;
}

export function assertNotReserved(alias: string): void {
  const reason = reservedReason(alias);
  if (reason) throw new DomainError('Reserved', reason, { type: 'alias', name: alias });
}

const MAX_ALIAS = 250;

/** Aliases are 1–250 characters without control characters. */
export function assertValidAlias(alias: string): void {
  if (alias.length === 0)
    throw new DomainError('Invalid', 'The alias must not be empty', { type: 'alias', name: alias });
  if (alias.length > MAX_ALIAS)
    throw new DomainError('Invalid', `The alias is longer than ${MAX_ALIAS} characters`, {
      type: 'alias',
      name: alias,
    });
  if (/[\u0000-\u001f\u007f]/.test(alias))
    throw new DomainError('Invalid', 'The alias must not contain control characters', { type: 'alias', name: alias });
}
