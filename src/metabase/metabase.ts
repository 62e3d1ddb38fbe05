import { type DataType, schemaOf } from './schema.js';
import { ROOT_PATH, parentPath, pathKey, selfAndAncestors } from './paths.js';

/** A property value: MULTISZ values are lists, every other type is kept as the text the metabase holds. */
export type PropertyValue = string | readonly string[];

/** The fields of a MetaBase.xml `Custom` element besides its `Name`. */
export type CustomField = 'ID' | 'Value' | 'Type' | 'UserType' | 'Attributes';

/**
 * How MetaBase.xml held a property: as an attribute of its key's element, or as a `Custom` child element
 * (with the fields that element left out, so that it is written back as it was). A property the program made
 * itself has none: export writes the properties the schema knows as attributes, the others as `Custom`.
 */
export type XmlForm =
  | { readonly kind: 'attribute' }
  | { readonly kind: 'custom'; readonly omitted: readonly CustomField[] };

export interface Property {
  readonly name: string;
  readonly value: PropertyValue;
  /** Schema facts, kept exactly for properties the program does not know (MetaBase.xml `Custom` elements). */
  readonly id?: number | undefined;
  readonly dataType?: DataType | string | undefined;
  readonly userType?: string | undefined;
  readonly attributes?: string | undefined;
  readonly xml?: XmlForm | undefined;
}

export interface MetabaseKey {
  readonly path: string;
  readonly keyType: string;
  /** Properties by lower-case name, in the order they were set. */
  readonly properties: ReadonlyMap<string, Property>;
  /** XML comments MetaBase.xml had just before the key's element (IIS keeps them with the key). */
  readonly comments?: readonly string[] | undefined;
}

/** Makes a property, filling the schema facts the program knows. */
export function property(name: string, value: PropertyValue): Property {
  const schema = schemaOf(name);
  return { name: schema?.name ?? name, value, id: schema?.id, dataType: schema?.dataType ?? (Array.isArray(value) ? 'MULTISZ' : 'STRING') };
}

export function asList(value: PropertyValue | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

export function asText(value: PropertyValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.join('\n');
}

/** Whether a property applies to the keys below the one that holds it (machine.md §1). */
export function inherits(prop: Property): boolean {
  if (prop.attributes !== undefined) return /\bINHERIT\b/i.test(prop.attributes);
  return schemaOf(prop.name)?.inherit ?? false;
}

/**
 * The key tree: keys by case-insensitive path, children in creation order. Mutable so that a run can
 * work on it in memory; every mutation of a machine goes through `Draft`, which records it.
 */
export class Metabase {
  private readonly keys = new Map<string, MetabaseKey>();
  private readonly children = new Map<string, string[]>();
  /** The applications in tree order, until the next change (a read-only command asks several times). */
  private apps: MetabaseKey[] | undefined;

  constructor(keys: Iterable<MetabaseKey> = []) {
    for (const key of keys) this.put(key);
  }

  /** A copy of the tree (keys are immutable values, shared with the copy). */
  clone(): Metabase {
    const copy = new Metabase();
    for (const [id, key] of this.keys) copy.keys.set(id, key);
    for (const [id, kids] of this.children) copy.children.set(id, [...kids]);
    copy.apps = this.apps;
    return copy;
  }

  get size(): number {
    return this.keys.size;
  }

  get(path: string): MetabaseKey | undefined {
    return this.keys.get(pathKey(path));
  }

  has(path: string): boolean {
    return this.keys.has(pathKey(path));
  }

  /** Adds or replaces a key; a new key goes after its existing siblings. `id`: its `pathKey`, when known. */
  put(key: MetabaseKey, id: string = pathKey(key.path)): void {
    this.apps = undefined;
    if (!this.keys.has(id)) {
      // The parent's identity is a prefix of the key's (cut at a slash, which lower-casing leaves alone).
      const parent = parentPath(id);
      if (parent !== undefined) {
        const siblings = this.children.get(parent);
        if (siblings) siblings.push(id);
        else this.children.set(parent, [id]);
      }
    }
    this.keys.set(id, key);
  }

  /** Removes a key and everything below it; returns the removed keys, parents first. */
  remove(path: string): MetabaseKey[] {
    this.apps = undefined;
    const removed = [...this.walk(path)];
    for (const key of removed) {
      this.keys.delete(pathKey(key.path));
      this.children.delete(pathKey(key.path));
    }
    const parent = parentPath(path);
    if (parent !== undefined) {
      const siblings = this.children.get(pathKey(parent));
      if (siblings) siblings.splice(siblings.indexOf(pathKey(path)), 1);
    }
    return removed;
  }

  childrenOf(path: string): MetabaseKey[] {
    return (this.children.get(pathKey(path)) ?? []).map((id) => this.keys.get(id)!);
  }

  /** The key at `path` and every key below it, depth-first, parents before children, siblings in order. */
  *walk(path: string = '/'): Generator<MetabaseKey> {
    const start = this.get(path);
    const stack: string[] = start ? [pathKey(start.path)] : [...(this.children.get(pathKey(path)) ?? [])].reverse();
    while (stack.length > 0) {
      const id = stack.pop()!;
      const key = this.keys.get(id);
      if (!key) continue;
      yield key;
      const kids = this.children.get(id);
      if (kids) for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
    }
  }

  /** Every key, in tree order. */
  all(): Generator<MetabaseKey> {
    return this.walk('/');
  }

  /** Every key held, reachable from the root or not (a damaged file can hold keys whose parent is gone). */
  stored(): IterableIterator<MetabaseKey> {
    return this.keys.values();
  }

  explicit(path: string, name: string): Property | undefined {
    return this.get(path)?.properties.get(name.toLowerCase());
  }

  /**
   * The effective value of a property at a key: its own, else the nearest ancestor's that inherits
   * (machine.md §1). Lists are never merged. Works for paths that do not exist yet, too.
   */
  effective(path: string, name: string): { readonly property: Property; readonly from: string } | undefined {
    const id = name.toLowerCase();
    // Up the ancestors' identities, each a prefix of the key's (no list of paths, no lower-casing each).
    for (let at: string | undefined = pathKey(path), first = true; at !== undefined; at = parentPath(at), first = false) {
      const key = this.keys.get(at);
      const prop = key?.properties.get(id);
      if (prop && (first || inherits(prop))) return { property: prop, from: key!.path };
    }
    return undefined;
  }

  /** The stored-case path of an existing key (paths are typed in any case). */
  canonical(path: string): string {
    return this.get(path)?.path ?? path;
  }

  /** Applications: keys whose `AppRoot` names themselves (machine.md §1). */
  isApplication(key: MetabaseKey): boolean {
    const appRoot = key.properties.get('approot')?.value;
    if (typeof appRoot !== 'string') return false;
    // AppRoot may end in slashes; compared without them (most do not: no regular expression for those).
    const own = appRoot.endsWith('/') ? appRoot.replace(/\/+$/, '') : appRoot;
    return pathKey(own) === pathKey(key.path);
  }

  /** The application a key belongs to: the nearest key, from itself upwards, that is one. */
  applicationOf(path: string): MetabaseKey | undefined {
    for (const p of selfAndAncestors(path)) {
      const key = this.get(p);
      if (key && this.isApplication(key)) return key;
    }
    return undefined;
  }

  /** Every application, in tree order. */
  applications(): IterableIterator<MetabaseKey> {
    if (!this.apps) {
      this.apps = [];
      for (const key of this.all()) if (this.isApplication(key)) this.apps.push(key);
    }
    return this.apps.values();
  }
}

export { ROOT_PATH };
