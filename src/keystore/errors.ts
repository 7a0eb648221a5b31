/**
 * Domain errors. Each API maps them to its own wire form, so an error carries what every API needs:
 * its kind, what it is about (subject), and a message in plain words.
 */
export type ErrorKind =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Invalid'
  | 'Reserved'
  | 'Forbidden'
  | 'Conflict'
  | 'NotTrusted'
  | 'TooLarge'
  | 'Unsupported'
  | 'Locked';

export type SubjectType =
  | 'project'
  | 'environment'
  | 'keystore'
  | 'alias'
  | 'certificate'
  | 'group'
  | 'user'
  | 'token'
  | 'body'
  | 'option'
  /** Apinizer's keystores (§3.10): named files per environment, not the SAP keystores of an environment. */
  | 'apiops-keystore'
  | 'jwk';

export interface Subject {
  type: SubjectType;
  name: string;
}

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly subject?: Subject,
    /** Extra facts an API may render, e.g. the refused entry of a NotTrusted error. */
    readonly detail?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (type: SubjectType, name: string, message?: string) =>
  new DomainError('NotFound', message ?? `${type} '${name}' not found`, { type, name });

export const alreadyExists = (type: SubjectType, name: string, message?: string) =>
  new DomainError('AlreadyExists', message ?? `${type} '${name}' already exists`, { type, name });

export const invalid = (message: string, subject?: Subject) => new DomainError('Invalid', message, subject);

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
