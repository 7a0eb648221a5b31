import type { Subject } from '../../pki/generate.js';
import { badRequest } from './errors.js';
import type { JsonObject } from './json-body.js';
import { dateField, requiredText, textField } from './json-fields.js';

/** The subject and validity of a certificate that a generation request makes (§3.6), as the request names them. */
export interface CertificateRequestFields {
  subject: Subject;
  notBefore: Date | undefined;
  notAfter: Date | undefined;
}

// Request property → RDN of the subject, in the order SAP's fields are listed.
const OPTIONAL_RDNS: [string, keyof Subject][] = [
  ['OrganizationUnit', 'OU'],
  ['Organization', 'O'],
  ['Locality', 'L'],
  ['State', 'ST'],
  ['Email', 'E'],
];

/**
 * The subject fields of KeyPairGenerationRequest, RSAKeyGenerationRequest and SSHKeyGenerationRequest. SAP requires
 * CommonName and a two-letter Country for generated key pairs; an SSH key's certificate may leave both out, and
 * its CommonName then is the alias.
 */
export function certificateRequestFields(
  body: JsonObject,
  required: { fallbackCommonName?: string } = {},
): CertificateRequestFields {
  const fallback = required.fallbackCommonName;
  const cn = fallback === undefined ? requiredText(body, 'CommonName') : textField(body, 'CommonName') || fallback;
  const country = fallback === undefined ? requiredText(body, 'Country') : textField(body, 'Country');
  const subject: Subject = { CN: cn };
  if (country !== undefined && country !== '') {
    if (!/^[A-Za-z]{2}$/.test(country.trim()))
      throw badRequest(`The value '${country}' of the property 'Country' is not a two-letter country code.`);
    subject.C = country.trim().toUpperCase();
  }
  for (const [property, rdn] of OPTIONAL_RDNS) {
    const v = textField(body, property);
    if (v !== undefined && v.trim() !== '') subject[rdn] = v;
  }
  const notBefore = dateField(body, 'ValidNotBefore');
  const notAfter = dateField(body, 'ValidNotAfter');
  if (notBefore && notAfter && notAfter <= notBefore)
    throw badRequest('ValidNotAfter must be later than ValidNotBefore.');
  return { subject, notBefore, notAfter };
}

/** SAP's default validity for generated key pairs: from now for three years (§3.6). */
export function validityOrDefault(fields: CertificateRequestFields): { notBefore: Date; notAfter: Date } {
  const notBefore = fields.notBefore ?? new Date();
  const notAfter = fields.notAfter ?? new Date(notBefore.getTime() + 3 * 365.25 * 86_400_000);
  if (notAfter <= notBefore) throw badRequest('ValidNotAfter must be later than ValidNotBefore.');
  return { notBefore, notAfter };
}
