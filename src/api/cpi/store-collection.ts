import type { Entry, KeystoreRef } from '../../keystore/model.js';
import type { EntryFilter, EntryQuery } from '../../store/entry-query.js';
import type { CpiCall } from './call.js';
import type { CollectionRequest } from './collection-request.js';
import { KEYSTORE_ENTRY_SOURCES, toEntryFilter, toEntryOrder, type Whitelist } from './filter-compile.js';
import { cutPage, pageWindow, rowsToRead } from './paging.js';

export interface EntryPage {
  entries: Entry[];
  /** `$inlinecount=allpages`: every entity the filter selects, from a COUNT query. */
  count: number | undefined;
  next: string | undefined;
}

const isNothing = (f: EntryFilter | undefined) => f?.op === 'const' && !f.value;

/**
 * A page of a keystore's entries, selected, ordered and cut by the store: the filter becomes the store's query over
 * the whitelisted columns, so the database answers from its indexes and only the page is read.
 */
export async function queryEntryPage(
  call: CpiCall,
  ks: KeystoreRef,
  req: CollectionRequest,
  resourcePath: string,
  sources: Whitelist = KEYSTORE_ENTRY_SOURCES,
  linkParams?: URLSearchParams,
): Promise<EntryPage> {
  const filter = req.filter && toEntryFilter(req.filter, sources);
  const w = pageWindow(req);
  const query: EntryQuery = {
    filter,
    orderBy: toEntryOrder(req.orderBy, sources),
    offset: w.offset,
    limit: rowsToRead(w),
  };
  const { entries } = call.ctx.keystore;
  const none = isNothing(filter);
  const [read, count] = await Promise.all([
    w.limit === 0 || none ? [] : entries.list(ks, query),
    !req.inlineCount ? undefined : none ? 0 : entries.count(ks, filter),
  ]);
  const { page, next } = cutPage(call, resourcePath, req, w, read, linkParams);
  return { entries: page, count, next };
}

/** `…/$count`: the entities the filter selects, then `$skip` and `$top` applied as OData V2 counts. */
export async function countEntryPage(
  call: CpiCall,
  ks: KeystoreRef,
  req: CollectionRequest,
  sources: Whitelist = KEYSTORE_ENTRY_SOURCES,
): Promise<number> {
  const filter = req.filter && toEntryFilter(req.filter, sources);
  const total = isNothing(filter) ? 0 : await call.ctx.keystore.entries.count(ks, filter);
  const afterSkip = Math.max(0, total - req.skip);
  return req.top === undefined ? afterSkip : Math.min(afterSkip, req.top);
}
