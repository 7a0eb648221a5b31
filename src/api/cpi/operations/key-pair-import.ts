import { DomainError } from '../../../keystore/errors.js';
import { assertNotReserved, assertValidAlias } from '../../../keystore/reserved.js';
import type { Operation } from '../call.js';
import { badRequest, CpiError } from '../errors.js';
import { readJsonObject } from '../json-body.js';
import { binaryField, emptyProperty, requiredText, textField } from '../json-fields.js';
import { noContent } from '../render.js';
import { type KeyPairWriteOptions, keyPairWriteOptions } from '../write-options.js';
import { keystoreEntriesAnswer } from './write-result.js';

/** §1.6, D11: a PKCS#12 `Resource` holds at most 30 720 bytes. */
export const PKCS12_LIMIT = 30_720;

/** The JSON around it: the base64 of 30 720 bytes (40 960 characters), the alias, password and dummy Hexalias. */
const BODY_LIMIT = 64 * 1024;

/**
 * A PKCS#12 file that is one but can't be read (no private key, damaged structure) is the sender's mistake: 400.
 * Bytes that are no PKCS#12 at all stay 415, and a wrong password stays 400 with keytool's words.
 */
function unreadableIsBadRequest(e: unknown): never {
  if (e instanceof DomainError && e.kind === 'Unsupported' && e.subject?.name === 'malformed')
    throw badRequest(e.message);
  throw e;
}

/**
 * `POST /KeyPairResources` (§3.6): `{"Hexalias":"AB","Alias":"mykey","Password":"…","Resource":"<base64 PKCS#12>"}`.
 * The Hexalias is a required dummy; the alias in the body names the entry. The first key of the file is taken
 * with its chain. Checks in the order of the certificate import: alias (400 control characters, 403 reserved),
 * size (413), then what the keystore decides (415 not PKCS#12, 400 wrong password, 400 exists/missing, 409).
 */
export const importKeyPairResource: Operation<KeyPairWriteOptions> = {
  bodyLimit: BODY_LIMIT,
  prepare: (call) => keyPairWriteOptions(call.params),
  async handle(call, opts, body) {
    const json = readJsonObject(body);
    const alias = requiredText(json, 'Alias');
    assertValidAlias(alias);
    assertNotReserved(alias);
    const pkcs12 = binaryField(json, 'Resource');
    if (!pkcs12) throw emptyProperty('Resource');
    if (pkcs12.length > PKCS12_LIMIT)
      throw new CpiError(
        413,
        `The PKCS#12 resource is larger than the ${PKCS12_LIMIT} bytes a key pair file may have.`,
      );
    const ks = await call.keystore(opts.keystore);
    const result = await call.ctx.keystore.keyPairs
      .importPkcs12(
        ks,
        alias,
        { pkcs12, password: textField(json, 'Password') ?? '', mode: opts.mode, requireTrust: opts.requireTrust },
        { name: call.principal.name },
      )
      .catch(unreadableIsBadRequest);
    if (!opts.returnEntries) return noContent();
    return keystoreEntriesAnswer(call, ks, new Map([[alias, result.status]]));
  },
};
