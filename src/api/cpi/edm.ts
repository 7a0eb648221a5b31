import { METADATA_XML } from './metadata-xml.js';

/**
 * The entity model, read once from the EDMX that `$metadata` serves. Writers take property order, types and
 * navigations from here, so a payload always matches the metadata (JSON properties follow the EDMX order, §4).
 */
export const NAMESPACE = 'com.sap.hci.api';

export type EdmType = 'Edm.String' | 'Edm.Int32' | 'Edm.Int64' | 'Edm.DateTimeOffset' | 'Edm.Binary' | 'Edm.Boolean';

export interface EdmProperty {
  name: string;
  type: EdmType;
}

export interface EdmNavigation {
  name: string;
  /** `*` at the far end: rendered as a feed link; otherwise as an entry link. */
  many: boolean;
}

export interface EntityType {
  /** Qualified name, as in `__metadata.type` and the Atom category. */
  qualifiedName: string;
  name: string;
  keys: string[];
  /** Base type's properties first, as EDMX inheritance lays them out. */
  properties: EdmProperty[];
  navigations: EdmNavigation[];
  hasStream: boolean;
}

export interface EntitySet {
  name: string;
  type: EntityType;
}

const attr = (tag: string, name: string): string | undefined => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];

interface RawType {
  name: string;
  base: string | undefined;
  keys: string[];
  properties: EdmProperty[];
  navigations: { name: string; relationship: string; toRole: string }[];
  hasStream: boolean;
}

function parseModel(xml: string): { types: Map<string, EntityType>; sets: EntitySet[] } {
  const raw = new Map<string, RawType>();
  for (const m of xml.matchAll(/<EntityType\b([^>]*)>([\s\S]*?)<\/EntityType>/g)) {
    const [, head = '', inner = ''] = m;
    const name = attr(head, 'Name') ?? '';
    raw.set(name, {
      name,
      base: attr(head, 'BaseType')?.replace(`${NAMESPACE}.`, ''),
      keys: [...inner.matchAll(/<PropertyRef\b([^>]*)\/>/g)].map((k) => attr(k[1] ?? '', 'Name') ?? ''),
      properties: [...inner.matchAll(/<Property\b([^>]*)\/>/g)].map((p) => ({
        name: attr(p[1] ?? '', 'Name') ?? '',
        type: (attr(p[1] ?? '', 'Type') ?? 'Edm.String') as EdmType,
      })),
      navigations: [...inner.matchAll(/<NavigationProperty\b([^>]*)\/>/g)].map((n) => ({
        name: attr(n[1] ?? '', 'Name') ?? '',
        relationship: (attr(n[1] ?? '', 'Relationship') ?? '').replace(`${NAMESPACE}.`, ''),
        toRole: attr(n[1] ?? '', 'ToRole') ?? '',
      })),
      hasStream: attr(head, 'm:HasStream') === 'true',
    });
  }
  const multiplicity = new Map<string, string>();
  for (const m of xml.matchAll(/<Association\b([^>]*)>([\s\S]*?)<\/Association>/g)) {
    const assoc = attr(m[1] ?? '', 'Name') ?? '';
    for (const end of (m[2] ?? '').matchAll(/<End\b([^>]*)\/>/g))
      multiplicity.set(`${assoc}/${attr(end[1] ?? '', 'Role')}`, attr(end[1] ?? '', 'Multiplicity') ?? '');
  }
  const types = new Map<string, EntityType>();
  const resolve = (name: string): EntityType => {
    const done = types.get(name);
    if (done) return done;
    const t = raw.get(name);
    if (!t) throw new Error(`EDMX: unknown entity type ${name}`);
    const base = t.base ? resolve(t.base) : undefined;
    const type: EntityType = {
      qualifiedName: `${NAMESPACE}.${name}`,
      name,
      keys: t.keys.length ? t.keys : (base?.keys ?? []),
      properties: [...(base?.properties ?? []), ...t.properties],
      navigations: [
        ...(base?.navigations ?? []),
        ...t.navigations.map((n) => ({
          name: n.name,
          many: multiplicity.get(`${n.relationship}/${n.toRole}`) === '*',
        })),
      ],
      hasStream: t.hasStream || (base?.hasStream ?? false),
    };
    types.set(name, type);
    return type;
  };
  for (const name of raw.keys()) resolve(name);
  const sets = [...xml.matchAll(/<EntitySet\b([^>]*)\/>/g)].map((m) => ({
    name: attr(m[1] ?? '', 'Name') ?? '',
    type: resolve((attr(m[1] ?? '', 'EntityType') ?? '').replace(`${NAMESPACE}.`, '')),
  }));
  return { types, sets };
}

const model = parseModel(METADATA_XML);

export const entitySets: readonly EntitySet[] = model.sets;
/** Every request names a set: a lookup, not a walk over the list. */
const setsByName = new Map(model.sets.map((s) => [s.name, s]));

export function entitySet(name: string): EntitySet | undefined {
  return setsByName.get(name);
}

export function entityType(name: string): EntityType {
  const t = model.types.get(name);
  if (!t) throw new Error(`EDMX: unknown entity type ${name}`);
  return t;
}

export const KEYSTORE_ENTRY = entityType('KeystoreEntry');
