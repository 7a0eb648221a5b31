import type { EntityType } from './edm.js';
import { badRequest, notImplemented } from './errors.js';
import { single } from './query-options.js';

/**
 * `$expand=Nav,…`: the navigations to write inline. A navigation of the type that this server does not expand (or a
 * path through several) is answered 501 (D8), one the type lacks 400.
 */
export function expandOption(params: URLSearchParams, type: EntityType, served: readonly string[]): string[] {
  const raw = single(params, '$expand');
  if (raw === undefined) return [];
  const names = raw.split(',').map((s) => s.trim());
  for (const name of names) {
    const [first = ''] = name.split('/');
    if (!type.navigations.some((n) => n.name === first))
      throw badRequest(`Could not find a navigation property named '${first}' on type '${type.qualifiedName}'.`);
    if (name.includes('/') || !served.includes(name)) throw notImplemented(`Expanding '${name}' is not supported.`);
  }
  return [...new Set(names)];
}

export interface SplitSelect {
  /** What `$select` keeps of the entity itself; undefined is all. */
  own: string[] | undefined;
  /** What it keeps of each expanded navigation's entities (`Entries/Alias`); undefined is all. */
  expanded: Map<string, string[] | undefined>;
}

/**
 * Splits `$select` around the expanded navigations: `Entries/Alias` narrows the inline entries and implies
 * `Entries`; a plain `Entries` or `Entries/*` keeps them whole.
 */
export function splitSelect(select: string[] | undefined, expand: string[]): SplitSelect {
  const expanded = new Map<string, string[] | undefined>(expand.map((n) => [n, undefined]));
  if (!select) return { own: undefined, expanded };
  const own = new Set<string>();
  const inner = new Map<string, Set<string> | 'all'>();
  for (const item of select) {
    const slash = item.indexOf('/');
    if (slash < 0) {
      own.add(item);
      if (expanded.has(item)) inner.set(item, 'all');
      continue;
    }
    const nav = item.slice(0, slash);
    const prop = item.slice(slash + 1);
    if (!expanded.has(nav)) throw badRequest(`The path '${item}' in $select names a navigation that is not expanded.`);
    own.add(nav);
    const got = inner.get(nav);
    if (prop === '*') inner.set(nav, 'all');
    else if (got !== 'all') inner.set(nav, (got ?? new Set()).add(prop));
  }
  for (const [nav, props] of inner) expanded.set(nav, props === 'all' ? undefined : [...props]);
  return { own: [...own], expanded };
}
