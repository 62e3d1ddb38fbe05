import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Property, property } from '../../src/metabase/metabase.js';
import { LazyProperties, type PropertySource, differingIds, withProperty, withoutProperty } from '../../src/metabase/properties.js';

/** A source over fixed rows that counts what it was asked. */
function source(rows: Record<number, Property[]>) {
  const asked = { get: 0, row: 0 };
  const src: PropertySource = {
    get: (handle, name) => {
      asked.get++;
      return rows[handle]?.find((p) => p.name.toLowerCase() === name);
    },
    row: (handle) => {
      asked.row++;
      return rows[handle] ?? [];
    },
  };
  return { src, asked };
}

const NAMES = ['Path', 'AppRoot', 'ScriptMaps', 'AppPoolId', 'Custom1'];
const prop = (name: string, n: number): Property => property(name, name === 'ScriptMaps' ? [`.x${n},C:\\x.dll,1`] : `${name}-${n}`);

describe('LazyProperties', () => {
  it('answers get and has from single reads, and reads the row only when iterated', () => {
    const { src, asked } = source({ 7: [prop('Path', 1), prop('AppRoot', 2)] });
    const lazy = LazyProperties.of(src, 7);
    expect(lazy.get('approot')?.value).toBe('AppRoot-2');
    expect(lazy.has('scriptmaps')).toBe(false);
    expect(asked).toEqual({ get: 2, row: 0 });
    expect([...lazy.keys()]).toEqual(['path', 'approot']);
    expect(lazy.size).toBe(2);
    expect(asked.row).toBe(1);
  });

  it('edits without reading the row', () => {
    const { src, asked } = source({ 1: [prop('Path', 1)] });
    const edited = LazyProperties.of(src, 1).with('scriptmaps', prop('ScriptMaps', 1)).without('path');
    expect(edited.get('scriptmaps')?.value).toEqual(['.x1,C:\\x.dll,1']);
    expect(edited.has('path')).toBe(false);
    expect(asked.row).toBe(0);
  });

  it('behaves exactly as a copied Map under any sequence of sets and deletes', () => {
    const op = fc.tuple(fc.boolean(), fc.constantFrom(...NAMES), fc.nat(9));
    const start = fc.uniqueArray(fc.constantFrom(...NAMES), { maxLength: 5 });
    fc.assert(
      fc.property(start, fc.array(op, { maxLength: 12 }), fc.boolean(), (names, ops, iterateEarly) => {
        const rows = { 3: names.map((n, i) => prop(n, i)) };
        let plain: ReadonlyMap<string, Property> = new Map(rows[3].map((p) => [p.name.toLowerCase(), p]));
        let lazy: ReadonlyMap<string, Property> = LazyProperties.of(source(rows).src, 3);
        if (iterateEarly) expect([...lazy]).toEqual([...plain]);
        for (const [set, name, n] of ops) {
          const id = name.toLowerCase();
          plain = set ? withProperty(plain, id, prop(name, n)) : withoutProperty(plain, id);
          lazy = set ? withProperty(lazy, id, prop(name, n)) : withoutProperty(lazy, id);
          for (const other of NAMES) expect(lazy.get(other.toLowerCase())).toEqual(plain.get(other.toLowerCase()));
        }
        expect([...lazy.entries()]).toEqual([...plain.entries()]);
        expect(lazy.size).toBe(plain.size);
        const seen: string[] = [];
        lazy.forEach((_v, k) => seen.push(k));
        expect(seen).toEqual([...plain.keys()]);
      }),
    );
  });

  it('keeps every version independent (values are immutable)', () => {
    const { src } = source({ 1: [prop('Path', 1)] });
    const a = LazyProperties.of(src, 1);
    const b = a.with('path', prop('Path', 2));
    const c = b.without('path');
    expect(a.get('path')?.value).toBe('Path-1');
    expect(b.get('path')?.value).toBe('Path-2');
    expect(c.get('path')).toBeUndefined();
    expect([...a.keys()]).toEqual(['path']);
  });

  it('tells which properties two versions of a key may differ in, reading no row when both are lazy', () => {
    const { src, asked } = source({ 1: [prop('Path', 1), prop('AppRoot', 2)], 2: [prop('Path', 1)] });
    const a = LazyProperties.of(src, 1);
    const b = a.with('scriptmaps', prop('ScriptMaps', 1)).without('path');
    expect(differingIds(a, b)).toEqual(new Set(['scriptmaps', 'path']));
    expect(differingIds(a, a)).toEqual(new Set());
    expect(asked.row).toBe(0);
    // Different rows, or a plain map: every id either holds.
    expect(differingIds(a, LazyProperties.of(src, 2))).toEqual(new Set(['path', 'approot']));
    expect(differingIds(new Map([['x', prop('X', 1)]]), b)).toEqual(new Set(['x', 'approot', 'scriptmaps']));
  });
});
