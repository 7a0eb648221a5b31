import { keystoreInfo } from '../../../keystore/keystore-info.js';
import { isKeystoreName, KEYSTORE_NAMES, type KeystoreName } from '../../../keystore/model.js';
import type { Answer, CpiCall, Operation } from '../call.js';
import { type CollectionRequest, collectionRequest } from '../collection-request.js';
import { entityType, KEYSTORE_ENTRY } from '../edm.js';
import { keystoreEntryValues, keystoreValues } from '../entities.js';
import { badRequest } from '../errors.js';
import { expandOption, splitSelect } from '../expand-option.js';
import { JSON_TYPE } from '../json-writer.js';
import { countValuePage, queryValuePage } from '../memory-collection.js';
import { COLLECTION_QUERY_OPTIONS, selectOption } from '../query-options.js';
import { entityAnswer, feedAnswer } from '../render.js';
import type { KeyPredicate } from '../resource-path.js';
import { type Inlines, keyPredicate, type Selection, selection } from '../selection.js';
import { countEntryPage, queryEntryPage } from '../store-collection.js';
import { xmlText } from '../xml.js';

const SET = 'Keystores';
const KEYSTORE = entityType('Keystore');

/** D21: every read takes the four names; another gets SAP's text, whether in the key or in `keystoreName`. */
function keystoreNameFromKey(key: KeyPredicate | undefined): KeystoreName {
  const raw = key?.kind === 'single' ? key.value : key?.values.get('Name');
  if (typeof raw !== 'string' || !isKeystoreName(raw)) throw badRequest(`Keystore name '${raw ?? ''}' is invalid.`);
  return raw;
}

const nameOf = (call: CpiCall) => keystoreNameFromKey(call.path.kind === 'resource' ? call.path.key : undefined);

/** The resource path of a keystore, for links: `Keystores('system')`. */
const keystorePath = (name: KeystoreName) => `${SET}${keyPredicate(KEYSTORE, { Name: name })}`;

async function valuesOf(call: CpiCall, name: KeystoreName) {
  return keystoreValues(await keystoreInfo(call.ctx.store, await call.keystore(name)));
}

/** A request for a keystore's entries in their default order: Alias, one server page. */
const ALL_ENTRIES: CollectionRequest = {
  filter: undefined,
  orderBy: [],
  select: undefined,
  top: undefined,
  skip: 0,
  skiptoken: 0,
  inlineCount: false,
};

interface GetPrepared {
  name: KeystoreName;
  sel: Selection;
  /** `$expand=Entries`, with what `$select` keeps of each entry. */
  entries: Selection | undefined;
}

/**
 * `GET /Keystores('{name}')` (§3.8) with `$select` and `$expand=Entries`. Expanded entries are the first server
 * page in Alias order; a larger keystore's inline feed ends with a `__next` link to `Keystores('{name}')/Entries`.
 */
export const getKeystore: Operation<GetPrepared> = {
  queryOptions: ['$format', '$select', '$expand'],
  prepare(call) {
    const name = nameOf(call);
    const expand = expandOption(call.params, KEYSTORE, ['Entries']);
    const { own, expanded } = splitSelect(selectOption(call.params), expand);
    const sel = selection(KEYSTORE, own);
    const entries = expanded.has('Entries') ? selection(KEYSTORE_ENTRY, expanded.get('Entries')) : undefined;
    return { name, sel, entries };
  },
  async handle(call, { name, sel, entries }) {
    const values = await valuesOf(call, name);
    const inlines: Record<string, Inlines[string]> = {};
    if (entries && sel.navigations.some((n) => n.name === 'Entries')) {
      const format = call.params.get('$format');
      const linkParams = new URLSearchParams(format ? { $format: format } : {});
      const page = await queryEntryPage(
        call,
        await call.keystore(name),
        ALL_ENTRIES,
        `${keystorePath(name)}/Entries`,
        undefined,
        linkParams,
      );
      inlines.Entries = {
        setName: 'KeystoreEntries',
        sel: entries,
        list: page.entries.map((e) => keystoreEntryValues(e)),
        next: page.next,
      };
    }
    return entityAnswer(call, SET, sel, values, inlines);
  },
};

/** `GET /Keystores`: the tenant's four keystores, in SAP's order of their names. */
export const listKeystores: Operation<{ req: CollectionRequest; sel: Selection }> = {
  queryOptions: COLLECTION_QUERY_OPTIONS,
  prepare(call) {
    const req = collectionRequest(call.params, KEYSTORE);
    return { req, sel: selection(KEYSTORE, req.select) };
  },
  async handle(call, { req, sel }) {
    const all = await Promise.all(KEYSTORE_NAMES.map((n) => valuesOf(call, n)));
    const page = queryValuePage(call, all, req, SET);
    return feedAnswer(call, call.format, SET, sel, page.page, page.count, page.next);
  },
};

export const countKeystores: Operation<{ req: CollectionRequest }> = {
  queryOptions: COLLECTION_QUERY_OPTIONS,
  prepare: (call) => ({ req: collectionRequest(call.params, KEYSTORE) }),
  async handle(call, { req }) {
    const all = await Promise.all(KEYSTORE_NAMES.map((n) => valuesOf(call, n)));
    return { status: 200, type: 'text/plain;charset=utf-8', body: String(countValuePage(all, req)) };
  },
};

interface EntriesPrepared {
  name: KeystoreName;
  req: CollectionRequest;
  sel: Selection;
}

/** `GET /Keystores('{name}')/Entries[/$count]`: the keystore's entries as a collection, with every query option. */
export const keystoreEntries: Operation<EntriesPrepared> = {
  queryOptions: COLLECTION_QUERY_OPTIONS,
  prepare(call) {
    const req = collectionRequest(call.params, KEYSTORE_ENTRY);
    return { name: nameOf(call), req, sel: selection(KEYSTORE_ENTRY, req.select) };
  },
  async handle(call, { name, req, sel }): Promise<Answer> {
    const ks = await call.keystore(name);
    if (call.path.kind === 'resource' && call.path.modifier === '$count')
      return { status: 200, type: 'text/plain;charset=utf-8', body: String(await countEntryPage(call, ks, req)) };
    const page = await queryEntryPage(call, ks, req, `${keystorePath(name)}/Entries`);
    const values = page.entries.map((e) => keystoreEntryValues(e));
    return feedAnswer(call, call.format, 'KeystoreEntries', sel, values, page.count, page.next);
  },
};

/** `GET /Keystores('{name}')/Size/$value` (§3.8): the number of entries as text/plain. */
export const keystoreSizeValue: Operation<{ name: KeystoreName }> = {
  queryOptions: ['$format'],
  prepare: (call) => ({ name: nameOf(call) }),
  async handle(call, { name }) {
    const { Size } = await valuesOf(call, name);
    return { status: 200, type: 'text/plain;charset=utf-8', body: String(Size) };
  },
};

const NS_M = 'http://schemas.microsoft.com/ado/2007/08/dataservices/metadata';
const NS_D = 'http://schemas.microsoft.com/ado/2007/08/dataservices';

/** `GET /Keystores('{name}')/Size`: the property alone, `{"d":{"Size":16}}` or `<d:Size>` as V2 writes one. */
export const keystoreSize: Operation<{ name: KeystoreName }> = {
  queryOptions: ['$format'],
  prepare: (call) => ({ name: nameOf(call) }),
  async handle(call, { name }) {
    const { Size } = await valuesOf(call, name);
    if (call.format === 'json') return { status: 200, type: JSON_TYPE, body: JSON.stringify({ d: { Size } }) };
    return {
      status: 200,
      type: 'application/xml;charset=utf-8',
      body:
        `<?xml version="1.0" encoding="utf-8"?>` +
        `<d:Size xmlns:d="${NS_D}" xmlns:m="${NS_M}" m:type="Edm.Int32">${xmlText(String(Size))}</d:Size>`,
    };
  },
};
