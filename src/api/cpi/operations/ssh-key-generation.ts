import type { KeyObject } from 'node:crypto';
import { PkiError } from '../../../pki/errors.js';
import { readSshPrivateKey } from '../../../pki/ssh.js';
import type { Operation } from '../call.js';
import { badRequest, CpiError } from '../errors.js';
import { certificateRequestFields } from '../generation-request.js';
import { type JsonObject, readJsonObject } from '../json-body.js';
import { emptyProperty, textField } from '../json-fields.js';
import { JSON_TYPE } from '../json-writer.js';
import { certificateForOwnKey } from '../own-key-certificate.js';
import { type KeyPairWriteOptions, keyPairWriteOptions } from '../write-options.js';
import { KEY_FILE_BODY_LIMIT, KEY_FILE_LIMIT } from './rsa-key-generation.js';
import { keystoreEntriesAnswer } from './write-result.js';

/** SAP keeps one SSH key per algorithm, under a fixed alias (§3.6). */
const ALIAS_BY_TYPE: Record<string, string> = { rsa: 'id_rsa', dsa: 'id_dsa', ec: 'id_ec' };

const KEY_TEXT = /-----BEGIN |PuTTY-User-Key-File-/;

/** `SSHFile` is the base64 of the key file; the file's own text is taken too, since it can't be mistaken for it. */
function sshFile(body: JsonObject): Buffer {
  const raw = textField(body, 'SSHFile');
  if (raw === undefined || raw.trim() === '') throw emptyProperty('SSHFile');
  const bytes = KEY_TEXT.test(raw) ? Buffer.from(raw, 'utf8') : Buffer.from(raw.replace(/\s+/g, ''), 'base64');
  if (bytes.length > KEY_FILE_LIMIT)
    throw new CpiError(413, `The SSHFile is larger than the ${KEY_FILE_LIMIT} bytes it may have.`);
  return bytes;
}

function readKey(body: JsonObject): KeyObject {
  const file = sshFile(body);
  try {
    return readSshPrivateKey(file, textField(body, 'Password') || undefined);
  } catch (e) {
    if (e instanceof PkiError) throw badRequest(`The SSHFile cannot be read: ${e.message}`);
    throw e;
  }
}

/**
 * `POST /SSHKeyGenerationRequests` (§3.6): a key pair from an SSH private key (OpenSSH RSA/DSA/ECDSA, its PEM forms,
 * PuTTY RSA/DSA) with a self-signed certificate from the request's subject fields; without a CommonName the
 * certificate is named after the alias. The alias is fixed by the key's algorithm, `id_rsa`, `id_dsa` or `id_ec`;
 * `update=true` replaces it. Success is 200 `{"d":{"Alias":"id_rsa"}}`, or the entries when asked for.
 */
export const sshKeyGenerationRequest: Operation<KeyPairWriteOptions> = {
  bodyLimit: KEY_FILE_BODY_LIMIT,
  prepare: (call) => keyPairWriteOptions(call.params),
  async handle(call, opts, body) {
    const json = readJsonObject(body);
    const key = readKey(json);
    const alias = ALIAS_BY_TYPE[key.asymmetricKeyType ?? ''];
    if (!alias) throw badRequest('Only RSA, DSA and EC SSH keys can be stored.');
    const fields = certificateRequestFields(json, { fallbackCommonName: alias });
    const cert = certificateForOwnKey(key, json, fields);
    const ks = await call.keystore(opts.keystore);
    const result = await call.ctx.keystore.keyPairs.importKeyPair(
      ks,
      alias,
      { key, chain: [cert], mode: opts.mode, requireTrust: false },
      { name: call.principal.name },
    );
    if (opts.returnEntries) return keystoreEntriesAnswer(call, ks, new Map([[alias, result.status]]));
    return { status: 200, type: JSON_TYPE, body: JSON.stringify({ d: { Alias: alias } }) };
  },
};
