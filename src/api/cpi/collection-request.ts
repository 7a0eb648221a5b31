import type { EntityType } from './edm.js';
import { badRequest } from './errors.js';
import { type BoundFilter, type BoundOrder, bindFilter, bindOrderBy } from './filter-bind.js';
import { optionError } from './filter-error.js';
import { parseFilter, parseOrderBy } from './filter-parser.js';
import { collectionOptions, single } from './query-options.js';

/** What a GET of a collection asks for, checked against the entity type before anything is read. */
export interface CollectionRequest {
  filter: BoundFilter | undefined;
  orderBy: BoundOrder[];
  /** Property and navigation names as given; undefined means all. */
  select: string[] | undefined;
  top: number | undefined;
  skip: number;
  /** How many of the entities after `$skip` earlier server pages delivered (the `__next` link carries it). */
  skiptoken: number;
  inlineCount: boolean;
}

function parsed<T>(option: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw optionError(option, e);
  }
}

export function filterOption(params: URLSearchParams, type: EntityType): BoundFilter | undefined {
  const text = single(params, '$filter');
  return text === undefined ? undefined : parsed('$filter', () => bindFilter(parseFilter(text), type));
}

export function orderByOption(params: URLSearchParams, type: EntityType): BoundOrder[] {
  const text = single(params, '$orderby');
  return text === undefined ? [] : parsed('$orderby', () => bindOrderBy(parseOrderBy(text), type));
}

function skiptokenOption(params: URLSearchParams): number {
  const raw = single(params, '$skiptoken');
  if (raw === undefined) return 0;
  if (!/^\d{1,9}$/.test(raw))
    throw badRequest(`The value '${raw}' of the system query option '$skiptoken' is not valid.`);
  return Number(raw);
}

export function collectionRequest(params: URLSearchParams, type: EntityType): CollectionRequest {
  const options = collectionOptions(params);
  return {
    filter: filterOption(params, type),
    orderBy: orderByOption(params, type),
    select: options.select,
    top: options.top,
    skip: options.skip ?? 0,
    skiptoken: skiptokenOption(params),
    inlineCount: options.inlineCount,
  };
}
