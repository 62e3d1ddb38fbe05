import { describe, expect, it } from 'vitest';
import { generateHostingServer, seededRandom } from '../../src/iis/generate.js';
import { POOLS_PATH } from '../../src/iis/admin.js';
import { ROOT_PATH, asList, asText } from '../../src/metabase/metabase.js';
import { parentPath } from '../../src/metabase/paths.js';
import { isMixed, listVersion } from '../../src/metabase/scriptmaps.js';
import { normalizeDir, registeredVersions } from '../../src/machine/machine.js';
import { findExtensionEntry } from '../../src/regiis/registration.js';
import { Draft } from '../../src/machine/machine.js';

/** Every key with its properties, as plain data, to compare two machines. */
const dump = (sites: number, seed: number) =>
  [...generateHostingServer({ sites, seed }).state.metabase.all()].map((k) => ({ path: k.path, type: k.keyType, props: [...k.properties.values()] }));

describe('seededRandom', () => {
  it('gives the same sequence for a seed, on any machine', () => {
    const next = seededRandom(1);
    // mulberry32's first outputs for seed 1: a fixed sequence, so a generated server never drifts.
    expect([next(), next(), next()].map((x) => Math.floor(x * 1e9))).toEqual([627073940, 2735721, 527447039]);
  });

  it('stays in [0, 1) and differs between seeds', () => {
    const a = seededRandom(7);
    const b = seededRandom(8);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(xs.slice(0, 5)).not.toEqual(Array.from({ length: 5 }, () => b()));
  });
});

describe('generateHostingServer', () => {
  it('is deterministic for a seed and differs for another', () => {
    expect(dump(30, 42)).toEqual(dump(30, 42));
    expect(dump(30, 42)).not.toEqual(dump(30, 43));
  });

  const { state, summary } = generateHostingServer({ sites: 400, seed: 5 });
  const keys = [...state.metabase.all()];
  const sites = state.metabase.childrenOf(ROOT_PATH).filter((k) => k.keyType === 'IIsWebServer');

  it('builds about ten keys a site, a fifth of them with explicit ScriptMaps', () => {
    expect(summary.keys).toBe(keys.length);
    expect(keys.length / 400).toBeGreaterThan(8);
    expect(keys.length / 400).toBeLessThan(12);
    const withLists = keys.filter((k) => k.properties.has('scriptmaps')).length;
    expect(summary.scriptMaps).toBe(withLists);
    expect(withLists / keys.length).toBeGreaterThan(0.15);
    expect(withLists / keys.length).toBeLessThan(0.3);
  });

  it('gives every site host-header bindings and a ROOT application whose home exists', () => {
    expect(sites).toHaveLength(401); // the Default Web Site stays
    const bindings = new Set<string>();
    for (const site of sites) {
      const list = asList(site.properties.get('serverbindings')?.value);
      expect(list.length).toBeGreaterThan(0);
      for (const b of list) {
        expect(b).toMatch(/^[^:]*:\d+:[^:]*$/);
        expect(bindings.has(b), `binding ${b} used twice`).toBe(false);
        bindings.add(b);
      }
      const root = state.metabase.get(`${site.path}/ROOT`)!;
      expect(state.metabase.isApplication(root)).toBe(true);
      expect(state.directories.has(normalizeDir(asText(root.properties.get('path')?.value)!).toLowerCase())).toBe(true);
    }
  });

  it('has virtual-directory applications, plain directories, several pools and custom properties', () => {
    const vdirApps = keys.filter((k) => k.keyType === 'IIsWebVirtualDir' && !k.path.endsWith('/ROOT') && state.metabase.isApplication(k));
    expect(vdirApps.length).toBeGreaterThan(200);
    expect(keys.filter((k) => k.keyType === 'IIsWebDirectory').length).toBeGreaterThan(1000);
    expect(state.metabase.childrenOf(POOLS_PATH).length).toBeGreaterThanOrEqual(7);
    const custom = keys.flatMap((k) => [...k.properties.values()]).filter((p) => p.userType !== undefined);
    expect(custom.length).toBeGreaterThan(400);
    expect(custom.every((p) => p.id !== undefined && p.dataType !== undefined && p.attributes !== undefined)).toBe(true);
  });

  it('maps lists on 1.1, 2.0 and 4.0, none of them mixed, each version registered, installed and allowed', () => {
    const versions = new Set(keys.map((k) => listVersion(asList(k.properties.get('scriptmaps')?.value))));
    expect(versions).toEqual(new Set([undefined, '1.1.4322', '2.0.50727', '4.0.30319']));
    expect(keys.some((k) => isMixed(asList(k.properties.get('scriptmaps')?.value)))).toBe(false);
    expect(registeredVersions(state).sort()).toEqual(['1.1.4322', '2.0.50727', '4.0.30319']);
    const d = new Draft(state);
    for (const v of ['1.1.4322', '2.0.50727', '4.0.30319'] as const) {
      expect(state.frameworks.get(v)?.installed).toBe(true);
      expect(findExtensionEntry(d, v)?.allowed).toBe(true);
    }
  });

  it('keeps the tree whole: every key has its parent, paths are unique', () => {
    const paths = new Set(keys.map((k) => k.path.toLowerCase()));
    expect(paths.size).toBe(keys.length);
    for (const key of keys) {
      const parent = parentPath(key.path);
      if (parent !== undefined && parent !== '/') expect(paths.has(parent.toLowerCase()), key.path).toBe(true);
    }
  });
});
