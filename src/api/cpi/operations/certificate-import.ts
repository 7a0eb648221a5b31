import { assertNotReserved, assertValidAlias } from '../../../keystore/reserved.js';
import type { Operation } from '../call.js';
import { aliasFromKey } from '../hexalias-key.js';
import { booleanOption } from '../query-options.js';
import { noContent } from '../render.js';
import { keystoreEntriesAnswer } from './write-result.js';

/** §1.6, D11: a certificate body holds at most 10 240 bytes. */
export const CERTIFICATE_BODY_LIMIT = 10_240;

interface Prepared {
  alias: string;
  update: boolean;
  fingerprintVerified: boolean;
  returnEntries: boolean;
}

/**
 * `PUT /CertificateResources('{hex}')/$value` (§3.4, seed 001): "although an HTTP PUT method is used, a new OData
 * entity is created". The checks run in SAP's order: Hexalias and reserved alias here, before the body is read;
 * then size (the body reader), then what the keystore decides: unparsable 415, exists/missing/key pair 400,
 * untrusted 409. `Content-Type` is not looked at (D10): the body is sniffed.
 */
export const importCertificate: Operation<Prepared> = {
  bodyLimit: CERTIFICATE_BODY_LIMIT,
  prepare(call) {
    const alias = aliasFromKey(call.path.kind === 'resource' ? call.path.key : undefined);
    assertValidAlias(alias);
    assertNotReserved(alias);
    return {
      alias,
      update: booleanOption(call.params, 'update'),
      fingerprintVerified: booleanOption(call.params, 'fingerprintVerified'),
      returnEntries: booleanOption(call.params, 'returnKeystoreEntries'),
    };
  },
  async handle(call, { alias, update, fingerprintVerified, returnEntries }, body) {
    const result = await call.ctx.keystore.entries.importCertificate(
      call.system,
      alias,
      { material: body, mode: update ? 'update' : 'create', requireTrust: !fingerprintVerified },
      { name: call.principal.name },
    );
    if (!returnEntries) return noContent();
    return keystoreEntriesAnswer(call, call.system, new Map([[alias, result.status]]));
  },
};
