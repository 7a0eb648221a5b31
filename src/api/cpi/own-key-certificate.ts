import type { KeyObject } from 'node:crypto';
import { PkiError } from '../../pki/errors.js';
import { createSelfSigned, defaultSignatureAlgorithm, normalizeSignatureAlgorithm } from '../../pki/generate.js';
import { describeKey } from '../../pki/keys.js';
import { badRequest } from './errors.js';
import { type CertificateRequestFields, validityOrDefault } from './generation-request.js';
import type { JsonObject } from './json-body.js';
import { textField } from './json-fields.js';

/** `0x11F11` as SAP writes serials, or plain decimal digits. */
function serialOf(body: JsonObject): Uint8Array | undefined {
  const raw = textField(body, 'SerialNumber')?.trim();
  if (!raw) return undefined;
  let n: bigint;
  if (/^0x[0-9a-f]{1,64}$/i.test(raw)) n = BigInt(raw);
  else if (/^\d{1,77}$/.test(raw)) n = BigInt(raw);
  else throw badRequest(`The value '${raw}' of the property 'SerialNumber' is not a serial number (e.g. 0x11F11).`);
  if (n <= 0n) throw badRequest("The property 'SerialNumber' must be a positive number.");
  const hex = n.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
}

/**
 * The self-signed certificate that RSAKeyGenerationRequests and SSHKeyGenerationRequests put beside a key the
 * client brings: the request's subject, validity, serial and signature algorithm (SAP's spellings, D18), else
 * `fallback`, else keytool's choice for the key. Every failure here is about a request property, so it is a 400.
 */
export function certificateForOwnKey(
  key: KeyObject,
  body: JsonObject,
  fields: CertificateRequestFields,
  fallback?: string,
): Buffer {
  try {
    const asked = textField(body, 'SignatureAlgorithm')?.trim();
    const signatureAlgorithm = normalizeSignatureAlgorithm(
      asked || fallback || defaultSignatureAlgorithm(key),
      describeKey(key).keyType,
    );
    return createSelfSigned(key, {
      subject: fields.subject,
      signatureAlgorithm,
      ...validityOrDefault(fields),
      serial: serialOf(body),
    });
  } catch (e) {
    if (e instanceof PkiError) throw badRequest(e.message);
    throw e;
  }
}
