import { badRequest } from './errors.js';
import type { FormFields } from './form-fields.js';
import { text } from './messages.js';

/** What create and update take from a request, checked as far as that is possible without the store. */
export interface CertificateForm {
  alias: string;
  description: string;
  environments: string[];
  /** PEM, DER or bare base64 of a certificate (A18); the domain reads the first certificate of it. */
  material: Buffer;
}

/** The store's column for a certificate name is varchar(250); longer is refused here, not by the database. */
export const MAX_CERTIFICATE_NAME = 250;

/**
 * A9, the part before the store: each required field in the order Apinizer lists them, the first missing one
 * reported. The project, the environments, the certificate itself, the name and the alias follow in the
 * keystore service, in that order. A10: the description is optional.
 */
export function certificateName(fields: FormFields): string {
  const name = fields.text('certificateName');
  if (name === '') throw badRequest(text.emptyValue('certificateName'));
  return name;
}

export function certificateForm(fields: FormFields): CertificateForm {
  const alias = fields.text('alias');
  if (alias === '') throw badRequest(text.emptyValue('alias'));
  const material = fields.file('pemEncodedFile');
  if (!material) throw badRequest(text.emptyValue('pemEncodedFile'));
  const environments = fields.list('environmentList');
  if (environments.length === 0) throw badRequest(text.emptyValue('environmentList'));
  return { alias, material, environments, description: fields.text('certificateDescription') };
}

/** Create: the name first (A9), then the rest, then the name's length (a check Apinizer does not list). */
export function newCertificateForm(fields: FormFields): CertificateForm & { name: string } {
  const name = certificateName(fields);
  const form = certificateForm(fields);
  if ([...name].length > MAX_CERTIFICATE_NAME)
    throw badRequest(text.valueTooLong('certificateName', MAX_CERTIFICATE_NAME));
  return { ...form, name };
}
