import type { CpiCall } from './call.js';
import type { CollectionRequest } from './collection-request.js';

/**
 * Server paging, as SAP's OData services do it (HELP: 1000 entries a page), in place of D26's "no paging": a list
 * without `$top`, or with more than a page, ends after 1000 entities with a `__next` link that carries `$skiptoken`.
 */
export const SERVER_PAGE_SIZE = 1000;

export interface PageWindow {
  /** Entities to pass over in the filtered, ordered result. */
  offset: number;
  /** Entities to deliver at most. */
  limit: number;
  /** Whether the server cut the page: then one entity more is read to learn if a next page exists. */
  serverPaged: boolean;
}

export function pageWindow(req: CollectionRequest): PageWindow {
  const wanted = req.top === undefined ? Number.POSITIVE_INFINITY : Math.max(0, req.top - req.skiptoken);
  return {
    offset: req.skip + req.skiptoken,
    limit: Math.min(wanted, SERVER_PAGE_SIZE),
    serverPaged: wanted > SERVER_PAGE_SIZE,
  };
}

/** Entities to read for a window: one more than delivered when the server pages, to tell if more follow. */
export const rowsToRead = (w: PageWindow): number => (w.serverPaged ? w.limit + 1 : w.limit);

const encode = (s: string) => encodeURIComponent(s).replace(/%24/g, '$').replace(/%2C/g, ',');

/**
 * The absolute URL of the next page: the request's own query options (filter, order, select, format, keystoreName,
 * `$top`/`$skip` as given) with `$skiptoken` advanced past what this page delivered. An expanded feed passes the
 * options of its own collection instead of the request's.
 */
export function nextLink(
  call: CpiCall,
  resourcePath: string,
  req: CollectionRequest,
  delivered: number,
  params: URLSearchParams = call.params,
): string {
  const query: string[] = [];
  for (const [name, value] of params) if (name !== '$skiptoken') query.push(`${encode(name)}=${encode(value)}`);
  query.push(`$skiptoken=${req.skiptoken + delivered}`);
  return `${call.base}/${resourcePath}?${query.join('&')}`;
}

/** A window's page out of the entities read for it, with the next link when more follow. */
export function cutPage<T>(
  call: CpiCall,
  resourcePath: string,
  req: CollectionRequest,
  w: PageWindow,
  read: T[],
  params?: URLSearchParams,
): { page: T[]; next: string | undefined } {
  if (read.length <= w.limit) return { page: read, next: undefined };
  return { page: read.slice(0, w.limit), next: nextLink(call, resourcePath, req, w.limit, params) };
}
