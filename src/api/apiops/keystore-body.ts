import type { KeystoreEnvironmentInput, KeystoreInput } from '../../keystore/apiops-keystores.js';
import { KEYSTORE_FILE_TYPES, type KeystoreFileType } from '../../keystore/keystore-inspect.js';
import { MAX_CERTIFICATE_NAME } from './certificate-form.js';
import { badRequest } from './errors.js';
import { JsonObject, oneOf } from './json-body.js';
import { text } from './messages.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export interface KeystoreRequest extends KeystoreInput {
  name: string;
}

/**
 * §3.10 create and update: `{"name","description","keyStoreEnvironmentList":[{"environmentName","file",
 * "password","alias","keyStoreType"}]}`. On create every environment needs its file; on update an environment
 * without one keeps its stored file (and password, unless a new one is sent).
 */
export function keystoreRequest(
  body: unknown,
  mode: 'create' | 'update',
  pathName: string | undefined,
  maxFileBytes: number,
): KeystoreRequest {
  const json = new JsonObject(body);
  const sent = json.text('name');
  let name: string;
  if (mode === 'create') {
    if (sent === '') throw badRequest(text.keystoreNameEmpty);
    if ([...sent].length > MAX_CERTIFICATE_NAME) throw badRequest(text.valueTooLong('name', MAX_CERTIFICATE_NAME));
    name = sent;
  } else {
    name = pathName ?? '';
    if (sent !== '' && sent !== name) throw badRequest(text.keystoreNameChanged);
  }
  const items = json.objects('keyStoreEnvironmentList') ?? [];
  if (items.length === 0) throw badRequest(text.emptyValue('keyStoreEnvironmentList'));
  const environments = items.map((item) => environmentInput(item, mode, maxFileBytes));
  return { name, description: json.has('description') ? json.text('description') : undefined, environments };
}

function environmentInput(item: JsonObject, mode: 'create' | 'update', maxFileBytes: number): KeystoreEnvironmentInput {
  const environment = item.text('environmentName');
  if (environment === '') throw badRequest(text.emptyValue('environmentName'));
  const encoded = (item.raw('file') ?? '').replace(/\s+/g, '');
  let file: Buffer | undefined;
  if (encoded !== '') {
    if (!BASE64.test(encoded) || encoded.length % 4 === 1) throw badRequest(text.badBase64(environment));
    // Every decoded byte is 4/3 of a character: a file too large is refused before it is decoded.
    if ((encoded.length * 3) / 4 > maxFileBytes + 2) throw badRequest(text.fileTooLarge);
    file = Buffer.from(encoded, 'base64');
    if (file.length > maxFileBytes) throw badRequest(text.fileTooLarge);
  } else if (mode === 'create') throw badRequest(text.emptyValue('file'));
  const input: KeystoreEnvironmentInput = { environment };
  if (file) input.file = file;
  const password = item.raw('password');
  if (password !== undefined) input.password = password;
  if (item.has('alias')) input.alias = item.text('alias');
  const type = keystoreType(item.text('keyStoreType'));
  if (type) input.type = type;
  return input;
}

/** Apinizer documents JKS and PKCS12; JCEKS, Java's other keystore, is taken too. */
export function keystoreType(raw: string): KeystoreFileType | undefined {
  return oneOf(raw, 'keyStoreType', KEYSTORE_FILE_TYPES);
}
