import { isDomainError } from '../../keystore/errors.js';
import { type ApiOpsError, badRequest } from './errors.js';
import { text } from './messages.js';

/**
 * A domain error in Apinizer's words (§1.3). Only kinds that describe the caller's input become a 400;
 * anything else (a missing `system` keystore, a store failure) is ours and stays a 500.
 */
export function fromDomainError(e: unknown): ApiOpsError | undefined {
  if (!isDomainError(e)) return undefined;
  const subject = e.subject;
  switch (e.kind) {
    case 'NotFound':
      if (subject?.type === 'certificate') return badRequest(text.certificateNotFound(subject.name));
      if (subject?.type === 'environment') return badRequest(text.environmentNotFound(subject.name));
      if (subject?.type === 'project') return badRequest(text.projectNotFound(subject.name));
      if (subject?.type === 'apiops-keystore') return badRequest(text.keystoreNotFound(subject.name));
      if (subject?.type === 'jwk') return badRequest(text.jwkNotFound(subject.name));
      // A project or environment without its `system` keystore is a broken store, not bad input.
      return undefined;
    case 'AlreadyExists':
      if (subject?.type === 'certificate') return badRequest(text.certificateExists(subject.name));
      if (subject?.type === 'apiops-keystore') return badRequest(text.keystoreExists(subject.name));
      if (subject?.type === 'jwk') return badRequest(text.jwkExists(subject.name));
      return badRequest(e.message);
    case 'Conflict':
      if (subject?.type === 'alias') return badRequest(text.aliasInUse(subject.name));
      return badRequest(e.message);
    case 'TooLarge':
      return badRequest(text.fileTooLarge);
    case 'Invalid':
    case 'Reserved':
    case 'Forbidden':
    case 'Unsupported':
    case 'NotTrusted':
    case 'Locked':
      return badRequest(e.message);
    default:
      // A kind added later is rendered as ours until someone decides it describes bad input.
      return undefined;
  }
}
