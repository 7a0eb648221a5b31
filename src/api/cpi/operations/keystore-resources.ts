import type { ImportOption } from '../../../keystore/keystore-files.js';
import { isKeystoreName, type KeystoreName } from '../../../keystore/model.js';
import { splitAliases } from '../alias-list.js';
import type { CpiCall, Operation } from '../call.js';
import { entityType } from '../edm.js';
import { badRequest, CpiError } from '../errors.js';
import { readJsonObject } from '../json-body.js';
import { binaryField, emptyProperty, textField } from '../json-fields.js';
import { unlessLocked } from '../locked.js';
import { booleanOption, selectOption, single } from '../query-options.js';
import { entityAnswer, noContent } from '../render.js';
import type { KeyPredicate } from '../resource-path.js';
import { type Selection, selection } from '../selection.js';
import { keystoreStatusesAnswer } from './keystore-statuses.js';
import { keystoreEntriesAnswer } from './write-result.js';

const KEYSTORE_RESOURCE = entityType('KeystoreResource');

/** The key of `KeystoreResources('{name}')`; D21: another name gets SAP's text. */
function nameOf(call: CpiCall, allowed: readonly KeystoreName[]): KeystoreName {
  const key: KeyPredicate | undefined = call.path.kind === 'resource' ? call.path.key : undefined;
  const raw = key?.kind === 'single' ? key.value : key?.values.get('Name');
  const name = typeof raw === 'string' ? raw : String(raw ?? '');
  if (!isKeystoreName(name) || !allowed.includes(name)) throw badRequest(`Keystore name '${name}' is invalid.`);
  return name;
}

/** `importOption`: overwrite (default), merge, replace (§3.8); a restore takes only the first and the last. */
function importOption(params: URLSearchParams, allowed: readonly ImportOption[]): ImportOption {
  const raw = single(params, 'importOption');
  if (raw === undefined || raw === '') return 'overwrite';
  const option = allowed.find((o) => o === raw.trim().toLowerCase());
  if (!option)
    throw badRequest(
      `The value '${raw}' of the query option 'importOption' is not valid; use ${allowed.map((o) => `'${o}'`).join(', ')}.`,
    );
  return option;
}

/** D22: the keystore-wide writes answer with the entries unless told not to. */
const returnEntries = (params: URLSearchParams) => booleanOption(params, 'returnKeystoreEntries', true);

/** The JSON around a keystore of the configured size: its base64 (4/3 of it) and a few properties. */
const keystoreBodyLimit = (call: CpiCall) => Math.ceil(call.ctx.config.maxKeystoreBytes / 3) * 4 + 64 * 1024;

const NAME_TEXT = (name: string) =>
  `The value '${name}' is not supported for the property 'Name'. Possible name values are 'system' and 'backup_admin_system'.`;

interface PostPrepared {
  option: ImportOption;
  returnEntries: boolean;
}

/**
 * `POST /KeystoreResources` (§3.8). `{"Name":"system","Resource":"<base64 JKS or JCEKS>","Password":"…"}` imports
 * a Java keystore, one password for the store and its keys, with `importOption` and per-entry statuses;
 * `returnKeystoreEntries=false` makes it strict: any `notImported` entry fails the whole import.
 * `{"Name":"backup_admin_system"}` backs up the tenant's entries of `system`. A keystore over the configured size
 * is 413; bytes that are neither JKS nor JCEKS 415; a locked keystore 503 (D12).
 */
export const postKeystoreResource: Operation<PostPrepared> = {
  bodyLimit: keystoreBodyLimit,
  prepare: (call) => ({
    option: importOption(call.params, ['overwrite', 'merge', 'replace']),
    returnEntries: returnEntries(call.params),
  }),
  async handle(call, { option, returnEntries }, body) {
    const json = readJsonObject(body);
    const name = textField(json, 'Name');
    if (name === undefined) throw emptyProperty('Name');
    const actor = { name: call.principal.name };
    if (name === 'backup_admin_system') {
      const statuses = await unlessLocked(() => call.ctx.keystore.lifecycle.backup(call.system, actor));
      if (!returnEntries) return noContent();
      return keystoreStatusesAnswer(call, await call.keystore('backup_admin_system'), statuses);
    }
    if (name !== 'system') throw badRequest(NAME_TEXT(name));
    const file = binaryField(json, 'Resource');
    if (!file) throw emptyProperty('Resource');
    const limit = call.ctx.config.maxKeystoreBytes;
    if (file.length > limit) throw new CpiError(413, `The keystore is larger than the ${limit} bytes it may have.`);
    const password = textField(json, 'Password') ?? '';
    const result = await unlessLocked(() =>
      call.ctx.keystore.files.importJavaKeystore(call.system, file, password, option, actor, !returnEntries),
    );
    if (!returnEntries) return noContent();
    return keystoreStatusesAnswer(call, call.system, result.statuses);
  },
};

/**
 * `GET /KeystoreResources('{name}')` (§3.8, D23): the keystore's public content as base64 JCEKS with an empty
 * password: certificate entries, and each key pair's chain as `alias`, `alias_1`, … without its key.
 */
export const getKeystoreResource: Operation<{ name: KeystoreName; sel: Selection }> = {
  queryOptions: ['$format', '$select'],
  prepare: (call) => ({
    name: nameOf(call, ['system', 'backup_admin_system', 'KeyRenewal', 'KeyHistory']),
    sel: selection(KEYSTORE_RESOURCE, selectOption(call.params)),
  }),
  async handle(call, { name, sel }) {
    const jceks = await call.ctx.keystore.files.exportPublicJceks(await call.keystore(name));
    const values = { Name: name, Resource: jceks.toString('base64'), Password: null, Aliases: null };
    return entityAnswer(call, 'KeystoreResources', sel, values);
  },
};

type PutPrepared =
  | { kind: 'delete'; returnEntries: boolean }
  | { kind: 'restore'; option: 'overwrite' | 'replace'; returnEntries: boolean };

/**
 * `PUT /KeystoreResources('system')` (§3.8): `?deleteEntries=true` with `{"Aliases":"a;b\;c"}` deletes those
 * aliases (unknown ones skipped, a reserved one refuses all with 403); `?retrieveBackup=backup_admin_system`
 * restores the backup with `importOption` overwrite or replace (404 without a backup).
 */
export const putKeystoreResource: Operation<PutPrepared> = {
  prepare(call) {
    nameOf(call, ['system']);
    const deleting = booleanOption(call.params, 'deleteEntries');
    const backup = single(call.params, 'retrieveBackup');
    const answer = returnEntries(call.params);
    if (deleting && backup !== undefined)
      throw badRequest("The query options 'deleteEntries' and 'retrieveBackup' can't be combined.");
    if (deleting) return { kind: 'delete', returnEntries: answer };
    if (backup === undefined)
      throw badRequest("Query option 'deleteEntries=true' or 'retrieveBackup=backup_admin_system' is missing.");
    if (backup !== 'backup_admin_system') throw badRequest(`Keystore name '${backup}' is invalid.`);
    const option = importOption(call.params, ['overwrite', 'replace']) as 'overwrite' | 'replace';
    return { kind: 'restore', option, returnEntries: answer };
  },
  async handle(call, prepared, body) {
    const actor = { name: call.principal.name };
    if (prepared.kind === 'restore') {
      const statuses = await unlessLocked(() =>
        call.ctx.keystore.lifecycle.restore(call.system, prepared.option, actor),
      );
      if (!prepared.returnEntries) return noContent();
      return keystoreStatusesAnswer(call, call.system, statuses);
    }
    const text = textField(readJsonObject(body), 'Aliases');
    if (text === undefined || text === '') throw emptyProperty('Aliases');
    const removed = await unlessLocked(() =>
      call.ctx.keystore.lifecycle.deleteMany(call.system, splitAliases(text), actor),
    );
    if (!prepared.returnEntries) return noContent();
    // D20: the deleted entries are listed with their facts, as removed.
    return keystoreEntriesAnswer(call, call.system, new Map(removed.map((e) => [e.alias, 'removed'])), removed);
  },
};
