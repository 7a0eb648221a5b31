import type { CpiCall } from './call.js';
import type { CollectionRequest } from './collection-request.js';
import type { Values } from './entities.js';
import type { BoundOrder } from './filter-bind.js';
import { matches } from './filter-evaluate.js';
import { cutPage, pageWindow } from './paging.js';

/** NULL first ascending and last descending, as the store orders nullable columns. */
function compareBy(order: BoundOrder[]) {
  return (a: Values, b: Values): number => {
    for (const o of order) {
      const [x, y] = [a[o.name] ?? null, b[o.name] ?? null];
      let c = 0;
      if (x === null || y === null) c = x === y ? 0 : x === null ? -1 : 1;
      else c = x < y ? -1 : x > y ? 1 : 0;
      if (c !== 0) return o.desc ? -c : c;
    }
    return 0;
  };
}

export interface ValuePage {
  page: Values[];
  count: number | undefined;
  next: string | undefined;
}

/**
 * A page of entities computed in memory (a key pair's ChainCertificates, the four Keystores), with the same
 * `$filter`, `$orderby`, paging and counting as the store's sets. `list` comes in its default order, which ties keep.
 */
export function queryValuePage(call: CpiCall, list: Values[], req: CollectionRequest, resourcePath: string): ValuePage {
  const filter = req.filter;
  const selected = filter ? list.filter((v) => matches(filter, v)) : list;
  // Array.prototype.sort is stable: entities equal in every ordered property keep their default order.
  const ordered = req.orderBy.length ? [...selected].sort(compareBy(req.orderBy)) : selected;
  const w = pageWindow(req);
  const read = ordered.slice(w.offset, w.offset + (w.serverPaged ? w.limit + 1 : w.limit));
  const { page, next } = cutPage(call, resourcePath, req, w, read);
  return { page, count: req.inlineCount ? selected.length : undefined, next };
}

/** `…/$count` over entities in memory. */
export function countValuePage(list: Values[], req: CollectionRequest): number {
  const filter = req.filter;
  const total = filter ? list.filter((v) => matches(filter, v)).length : list.length;
  const afterSkip = Math.max(0, total - req.skip);
  return req.top === undefined ? afterSkip : Math.min(afterSkip, req.top);
}
