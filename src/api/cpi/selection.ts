import type { EdmNavigation, EdmProperty, EntityType } from './edm.js';
import type { Values } from './entities.js';
import { badRequest } from './errors.js';

/** What a payload shows of an entity type: `$select` narrows it, always in EDMX order. */
export interface Selection {
  type: EntityType;
  properties: EdmProperty[];
  navigations: EdmNavigation[];
}

export function selection(type: EntityType, select: string[] | undefined): Selection {
  if (!select) return { type, properties: type.properties, navigations: type.navigations };
  for (const name of select)
    if (!type.properties.some((p) => p.name === name) && !type.navigations.some((n) => n.name === name))
      throw badRequest(`Could not find a property named '${name}' on type '${type.qualifiedName}'.`);
  const wanted = new Set(select);
  return {
    type,
    properties: type.properties.filter((p) => wanted.has(p.name)),
    navigations: type.navigations.filter((n) => wanted.has(n.name)),
  };
}

/** OData V2 key predicate: `('41')` for one key, `(Hexalias='41',Index=0)` for several. */
export function keyPredicate(type: EntityType, values: Values): string {
  const literal = (v: Values[string]) =>
    typeof v === 'number' ? String(v) : `'${String(v ?? '').replace(/'/g, "''")}'`;
  if (type.keys.length === 1) return `(${literal(values[type.keys[0] ?? ''] ?? null)})`;
  return `(${type.keys.map((k) => `${k}=${literal(values[k] ?? null)}`).join(',')})`;
}

/** A URI path segment for an entity, percent-encoded where a key literal needs it. */
export function entityPath(setName: string, type: EntityType, values: Values): string {
  return `${setName}${encodeURI(keyPredicate(type, values)).replace(/[?#]/g, encodeURIComponent)}`;
}

/** A navigation's entities written inline (`$expand`), with the link to their next page when the server paged. */
export interface InlineFeed {
  setName: string;
  sel: Selection;
  list: Values[];
  next?: string | undefined;
}

/** Expanded navigations of one entity, by navigation name. */
export type Inlines = Readonly<Record<string, InlineFeed>>;
