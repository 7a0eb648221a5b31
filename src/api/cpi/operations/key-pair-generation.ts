import { DomainError } from '../../../keystore/errors.js';
import type { GenerateSpec } from '../../../keystore/keypairs.js';
import { assertNotReserved, assertValidAlias } from '../../../keystore/reserved.js';
import type { Operation } from '../call.js';
import { badRequest } from '../errors.js';
import { certificateRequestFields } from '../generation-request.js';
import { type JsonObject, readJsonObject } from '../json-body.js';
import { binaryField, integerField, requiredText, textField } from '../json-fields.js';
import { noContent } from '../render.js';
import { type KeyPairWriteOptions, keyPairWriteOptions } from '../write-options.js';
import { keystoreEntriesAnswer } from './write-result.js';

/** A request is a few hundred bytes; `Extensions` (Binary 3000) is the largest property. */
const BODY_LIMIT = 16 * 1024;

const KEY_TYPES = ['RSA', 'DSA', 'EC'] as const;

function keyType(body: JsonObject): GenerateSpec['keyType'] {
  const raw = textField(body, 'KeyType');
  if (raw === undefined || raw.trim() === '') return 'RSA';
  const t = KEY_TYPES.find((k) => k === raw.trim().toUpperCase());
  if (!t) throw badRequest(`The value '${raw}' of the property 'KeyType' is not supported; use RSA, DSA or EC.`);
  return t;
}

/**
 * Key size, curve and signature algorithm come from request properties, so a value the generator can't use is a
 * bad request (400), not unreadable uploaded material (the 415 the domain gives it).
 */
export function unsupportedIsBadRequest(e: unknown): never {
  if (e instanceof DomainError && e.kind === 'Unsupported') throw badRequest(e.message);
  throw e;
}

/** The request's properties as the domain's generation spec (§3.6, D18). */
function generateSpec(body: JsonObject, mode: GenerateSpec['mode']): GenerateSpec {
  // Extensions would be DER the generator has no way to vet or add; refusing is honest, ignoring would not be.
  if (binaryField(body, 'Extensions')) throw badRequest("The property 'Extensions' is not supported.");
  const fields = certificateRequestFields(body);
  const type = keyType(body);
  const curve = textField(body, 'KeyAlgorithmParameter')?.trim();
  return {
    keyType: type,
    keySize: integerField(body, 'KeySize'),
    curve: type === 'EC' && curve ? curve : undefined,
    signatureAlgorithm: textField(body, 'SignatureAlgorithm')?.trim() || undefined,
    subject: fields.subject,
    notBefore: fields.notBefore,
    notAfter: fields.notAfter,
    mode,
  };
}

/**
 * `POST /KeyPairGenerationRequests` (§3.6): a new key with a self-signed certificate. SAP's defaults: RSA 4096,
 * SHA-512, now until three years on. `SignatureAlgorithm` takes `SHA-256/RSA`, `SHA256/RSA` and `SHA256withRSA`
 * (D18); EC takes a size or a curve name in `KeyAlgorithmParameter`.
 */
export const generateKeyPairRequest: Operation<KeyPairWriteOptions> = {
  bodyLimit: BODY_LIMIT,
  prepare: (call) => keyPairWriteOptions(call.params),
  async handle(call, opts, body) {
    const json = readJsonObject(body);
    const alias = requiredText(json, 'Alias');
    assertValidAlias(alias);
    assertNotReserved(alias);
    const spec = generateSpec(json, opts.mode);
    const ks = await call.keystore(opts.keystore);
    const result = await call.ctx.keystore.keyPairs
      .generate(ks, alias, spec, { name: call.principal.name })
      .catch(unsupportedIsBadRequest);
    if (!opts.returnEntries) return noContent();
    return keystoreEntriesAnswer(call, ks, new Map([[alias, result.status]]));
  },
};
