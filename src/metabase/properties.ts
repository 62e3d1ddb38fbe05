import type { Property } from './metabase.js';

/**
 * Where a metabase that was loaded lazily reads its properties: the store, inside the transaction of the
 * run. A hosting server's metabase has tens of thousands of keys and hundreds of thousands of properties,
 * and most commands read two or three properties of each key (ScriptMaps, AppRoot, AppPoolId): they should
 * pay for those only.
 */
export interface PropertySource {
  /** One property (by lower-case name) of one key, undefined when the key holds none. */
  get(handle: number, name: string): Property | undefined;
  /** Every property of one key, in the order they were set. */
  row(handle: number): readonly Property[];
}

/** What every version of one key's lazy properties shares: where they come from, and the row once read. */
interface Base {
  readonly source: PropertySource;
  readonly handle: number;
  full?: ReadonlyMap<string, Property>;
}

const NO_EDITS: ReadonlyMap<string, Property | null> = new Map();

/**
 * A key's properties, read from a `PropertySource` when asked: `get` and `has` read one property, iterating
 * reads the key's whole row. Immutable like a key: `with` and `without` return a new
 * value carrying the edit, with exactly the ordering a copied `Map` would have (a property set again keeps
 * its place, a new one goes last), so a run's changes never force a read of the rest of the row.
 */
export class LazyProperties implements ReadonlyMap<string, Property> {
  private view: Map<string, Property> | undefined;

  private constructor(
    private readonly base: Base,
    /** Properties set (or, as null, deleted) since the row was read. */
    private readonly edits: ReadonlyMap<string, Property | null>,
    /** Properties that were absent and then set, in the order they were set: they come after the row. */
    private readonly tail: readonly string[],
  ) {}

  static of(source: PropertySource, handle: number): LazyProperties {
    return new LazyProperties({ source, handle }, NO_EDITS, []);
  }

  get(id: string): Property | undefined {
    if (this.edits.has(id)) return this.edits.get(id) ?? undefined;
    if (this.base.full) return this.base.full.get(id);
    return this.base.source.get(this.base.handle, id);
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  /**
   * The ids whose properties may differ between this and `other`, when that can be told without reading
   * them: both over the same row (one edited from the other), so only their edits can differ. Undefined
   * otherwise.
   */
  differingIds(other: LazyProperties): ReadonlySet<string> | undefined {
    if (other.base !== this.base) return undefined;
    return new Set([...this.edits.keys(), ...other.edits.keys()]);
  }

  /** This key's properties with `id` set to `prop`. */
  with(id: string, prop: Property): LazyProperties {
    const edits = new Map(this.edits);
    edits.set(id, prop);
    const tail = this.has(id) ? this.tail : [...this.tail.filter((t) => t !== id), id];
    return new LazyProperties(this.base, edits, tail);
  }

  /** This key's properties without `id`. */
  without(id: string): LazyProperties {
    if (!this.has(id)) return this;
    const edits = new Map(this.edits);
    edits.set(id, null);
    return new LazyProperties(this.base, edits, this.tail.filter((t) => t !== id));
  }

  get size(): number {
    return this.materialize().size;
  }

  entries(): ReturnType<Map<string, Property>['entries']> {
    return this.materialize().entries();
  }

  keys(): ReturnType<Map<string, Property>['keys']> {
    return this.materialize().keys();
  }

  values(): ReturnType<Map<string, Property>['values']> {
    return this.materialize().values();
  }

  [Symbol.iterator](): ReturnType<Map<string, Property>['entries']> {
    return this.entries();
  }

  forEach(callback: (value: Property, key: string, map: ReadonlyMap<string, Property>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.materialize()) callback.call(thisArg, value, key, this);
  }

  /** The whole row with the edits applied, in order (read once per key, kept since the value is immutable). */
  private materialize(): Map<string, Property> {
    if (this.view) return this.view;
    const base = (this.base.full ??= new Map(this.base.source.row(this.base.handle).map((p) => [p.name.toLowerCase(), p])));
    const tail = new Set(this.tail);
    const view = new Map<string, Property>();
    for (const [id, prop] of base) {
      if (tail.has(id)) continue;
      const edited = this.edits.has(id) ? this.edits.get(id) : prop;
      if (edited) view.set(id, edited);
    }
    for (const id of this.tail) {
      const edited = this.edits.get(id);
      if (edited) view.set(id, edited);
    }
    return (this.view = view);
  }
}

/** A key's properties with one set: a copy for a plain map, an edit for lazy ones. */
export function withProperty(properties: ReadonlyMap<string, Property>, id: string, prop: Property): ReadonlyMap<string, Property> {
  if (properties instanceof LazyProperties) return properties.with(id, prop);
  const copy = new Map(properties);
  copy.set(id, prop);
  return copy;
}

/** A key's properties with one deleted: a copy for a plain map, an edit for lazy ones. */
export function withoutProperty(properties: ReadonlyMap<string, Property>, id: string): ReadonlyMap<string, Property> {
  if (properties instanceof LazyProperties) return properties.without(id);
  const copy = new Map(properties);
  copy.delete(id);
  return copy;
}

/**
 * The ids whose properties may differ between two versions of a key's properties: only the edits when both
 * are lazy over the same row (a diff of a 100 000-key run then reads no row), else every id either has.
 */
export function differingIds(a: ReadonlyMap<string, Property>, b: ReadonlyMap<string, Property>): ReadonlySet<string> {
  const known = a instanceof LazyProperties && b instanceof LazyProperties ? a.differingIds(b) : undefined;
  return known ?? new Set([...a.keys(), ...b.keys()]);
}
