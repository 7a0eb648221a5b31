import type { JwkInput, JwkSource, JwkUseType } from '../../keystore/jwks.js';
import { MAX_CERTIFICATE_NAME } from './certificate-form.js';
import { badRequest } from './errors.js';
import { JsonObject, oneOf } from './json-body.js';
import { text } from './messages.js';

const SOURCES: readonly JwkSource[] = ['CERTIFICATE', 'KEYSTORE'];
const USES: readonly JwkUseType[] = ['SIGNATURE', 'ENCRYPTION'];

export interface JwkRequest extends JwkInput {
  name: string;
}

/**
 * §3.10 JWK create and update: `{"name","description","sourceType","certificateName","environmentName",
 * "useType","algorithm"}`, or for a keystore entry `keystoreName` (also `keyStoreName`) and `alias`. Checked
 * in that order; the source is inferred from the names sent when `sourceType` is missing.
 */
export function jwkRequest(body: unknown, mode: 'create' | 'update' | 'parse', pathName?: string): JwkRequest {
  const json = new JsonObject(body);
  let name = json.text('name');
  if (mode === 'create') {
    if (name === '') throw badRequest(text.jwkNameEmpty);
    if ([...name].length > MAX_CERTIFICATE_NAME) throw badRequest(text.valueTooLong('name', MAX_CERTIFICATE_NAME));
  } else if (mode === 'update') {
    if (name !== '' && name !== pathName) throw badRequest(text.jwkNameChanged);
    name = pathName ?? '';
  }
  const certificateName = json.text('certificateName');
  const keystoreName = json.text('keystoreName') || json.text('keyStoreName');
  const sourceType =
    oneOf(json.text('sourceType'), 'sourceType', SOURCES) ??
    (certificateName !== '' ? 'CERTIFICATE' : keystoreName !== '' ? 'KEYSTORE' : undefined);
  if (!sourceType) throw badRequest(text.emptyValue('sourceType'));
  return { name, ...source(json, sourceType, certificateName, keystoreName) };
}

/** parse-from-certificate and parse-from-keystore: the source is the operation's. */
export function jwkParseRequest(body: unknown, sourceType: JwkSource): JwkInput {
  const json = new JsonObject(body);
  return source(json, sourceType, json.text('certificateName'), json.text('keystoreName') || json.text('keyStoreName'));
}

function source(json: JsonObject, sourceType: JwkSource, certificateName: string, keystoreName: string): JwkInput {
  if (sourceType === 'CERTIFICATE' && certificateName === '') throw badRequest(text.emptyValue('certificateName'));
  if (sourceType === 'KEYSTORE' && keystoreName === '') throw badRequest(text.emptyValue('keystoreName'));
  const environmentName = json.text('environmentName');
  if (environmentName === '') throw badRequest(text.emptyValue('environmentName'));
  const input: JwkInput = {
    sourceType,
    environmentName,
    useType: oneOf(json.text('useType'), 'useType', USES) ?? 'SIGNATURE',
  };
  if (sourceType === 'CERTIFICATE') input.certificateName = certificateName;
  else input.keystoreName = keystoreName;
  if (json.has('description')) input.description = json.text('description');
  const alias = json.text('alias');
  if (sourceType === 'KEYSTORE' && alias !== '') input.alias = alias;
  const algorithm = json.text('algorithm');
  if (algorithm !== '') input.algorithm = algorithm;
  const kid = json.text('kid');
  if (kid !== '') input.kid = kid;
  return input;
}
