import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Draft, type MachineState, processorPath } from '../../src/machine/machine.js';
import { buildProfile, iisDefaultScriptMaps } from '../../src/machine/profiles.js';
import { addVirtualDirectory } from '../../src/iis/admin.js';
import { recycledApplications } from '../../src/iis/recycle.js';
import { property } from '../../src/metabase/metabase.js';
import { compareLists, entryFor, entryVersion, hasAspNet, listVersion, listVersions, moveList, parseEntries, parseEntry, removeAspNet } from '../../src/metabase/scriptmaps.js';
import { Metabase } from '../../src/metabase/metabase.js';
import { parseMetabaseXml } from '../../src/metabase/xml/read.js';

/** The rules that keep big servers fast must not change what they compute. */

describe('list functions cached by identity', () => {
  const windir = 'C:\\WINDOWS';
  const v11 = Object.freeze(moveList(iisDefaultScriptMaps(windir), '1.1.4322', `${windir}\\Microsoft.NET\\Framework\\v1.1.4322\\aspnet_isapi.dll`));

  it('give a frozen list the same answers as a fresh copy of it', () => {
    const copy = [...v11];
    const p20 = `${windir}\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_isapi.dll`;
    expect(moveList(v11, '2.0.50727', p20)).toEqual(moveList(copy, '2.0.50727', p20));
    expect(removeAspNet(v11)).toEqual(removeAspNet(copy));
    expect(listVersions(v11)).toEqual(listVersions(copy));
    expect(hasAspNet(v11)).toBe(hasAspNet(copy));
  });

  it('share results between calls on the same frozen list, and freeze them', () => {
    const p20 = `${windir}\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_isapi.dll`;
    const moved = moveList(v11, '2.0.50727', p20);
    expect(moveList(v11, '2.0.50727', p20)).toBe(moved);
    expect(Object.isFrozen(moved)).toBe(true);
    expect(moveList(v11, '4.0.30319', p20.replace('v2.0.50727', 'v4.0.30319'))).not.toBe(moved);
    expect(removeAspNet(v11)).toBe(removeAspNet(v11));
    // Callers get their own array of versions: changing it cannot spoil the cache.
    const versions = listVersions(v11);
    versions.push('9.9.9');
    expect(listVersions(v11)).toEqual(['1.1.4322']);
  });

  it('never cache a mutable list, which may change after the call', () => {
    const list = [...v11];
    expect(hasAspNet(list)).toBe(true);
    list.splice(0, list.length, '.asp,C:\\WINDOWS\\system32\\inetsrv\\asp.dll,5');
    expect(hasAspNet(list)).toBe(false);
    expect(listVersion(list)).toBeUndefined();
  });

  it('compare two shared lists once, as a fresh comparison would', () => {
    const after = moveList(v11, '2.0.50727', `${windir}\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_isapi.dll`);
    expect(compareLists(v11, after)).toEqual(compareLists([...v11], [...after]));
    expect(compareLists(v11, after)).toBe(compareLists(v11, after));
  });

  it('parse a shared list once into frozen entries, with the versions a fresh parse gives', () => {
    const entries = parseEntries(v11);
    expect(parseEntries(v11)).toBe(entries);
    expect(entries).toEqual(v11.map(parseEntry));
    expect(entries.every((e) => Object.isFrozen(e))).toBe(true);
    expect(entries.map(entryVersion)).toEqual(v11.map((t) => entryVersion(parseEntry(t))));
    expect(entryFor(v11, '.ASPX')).toBe(entries.find((e) => e.extension === '.aspx'));
  });
});

describe('MetaBase.xml reader', () => {
  it('gives keys with the same list one shared frozen array', () => {
    const list = (v: string) => `".aspx,C:\\WINDOWS\\Microsoft.NET\\Framework\\${v}\\aspnet_isapi.dll,1,GET,HEAD,POST,DEBUG
			.asmx,C:\\x.dll,1"`;
    const xml = [
      '<?xml version ="1.0"?>',
      '<configuration xmlns="urn:microsoft-catalog:XML_Metabase_V64_0">',
      '<MBProperty>',
      ...['A', 'B', 'C'].map((name, i) => `<IIsWebVirtualDir\tLocation ="/LM/W3SVC/1/ROOT/${name}"\n\t\tScriptMaps=${list(i === 2 ? 'v4.0.30319' : 'v2.0.50727')}\n\t>\n</IIsWebVirtualDir>`),
      '</MBProperty>',
      '</configuration>',
    ].join('\n');
    const [a, b, c] = parseMetabaseXml(xml).keys.map((k) => k.properties.get('scriptmaps')!.value as readonly string[]);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(Object.isFrozen(a)).toBe(true);
    expect(a).toEqual(['.aspx,C:\\WINDOWS\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_isapi.dll,1,GET,HEAD,POST,DEBUG', '.asmx,C:\\x.dll,1']);
  });
});

describe('Metabase.clone', () => {
  it('copies the tree: same keys in the same order, changed independently', () => {
    const metabase = new Metabase(buildProfile('win2003-net20').metabase.all());
    const copy = metabase.clone();
    expect([...copy.all()]).toEqual([...metabase.all()]);
    expect([...copy.applications()]).toEqual([...metabase.applications()]);
    copy.put({ path: '/LM/W3SVC/1/ROOT/New', keyType: 'IIsWebDirectory', properties: new Map() });
    copy.remove('/LM/W3SVC/Filters');
    expect(metabase.has('/LM/W3SVC/1/ROOT/New')).toBe(false);
    expect(metabase.has('/LM/W3SVC/Filters')).toBe(true);
    expect(metabase.childrenOf('/LM/W3SVC/1/ROOT')).toEqual([]);
    expect(copy.childrenOf('/LM/W3SVC/1/ROOT').map((k) => k.path)).toEqual(['/LM/W3SVC/1/ROOT/New']);
  });
});

describe('Metabase.applications', () => {
  it('answers from its list until the tree changes', () => {
    const metabase = new Metabase(buildProfile('win2003').metabase.all());
    expect([...metabase.applications()].map((k) => k.path)).toEqual(['/LM/W3SVC/1/ROOT']);
    metabase.put({ path: '/LM/W3SVC/1/ROOT/App', keyType: 'IIsWebVirtualDir', properties: new Map([['approot', property('AppRoot', '/LM/W3SVC/1/ROOT/App')]]) });
    expect([...metabase.applications()].map((k) => k.path)).toEqual(['/LM/W3SVC/1/ROOT', '/LM/W3SVC/1/ROOT/App']);
    metabase.put({ ...metabase.get('/LM/W3SVC/1/ROOT')!, properties: new Map() });
    expect([...metabase.applications()].map((k) => k.path)).toEqual(['/LM/W3SVC/1/ROOT/App']);
    metabase.remove('/LM/W3SVC/1/ROOT/App');
    expect([...metabase.applications()]).toEqual([]);
  });
});

describe('Draft.rmdirs', () => {
  /** The rule, one folder at a time: each folder and everything below it, in file-system order. */
  function naive(state: MachineState, folders: readonly string[]): string[] {
    const removed: string[] = [];
    for (const folder of folders) {
      const id = folder.toLowerCase();
      for (const [lc, dir] of [...state.directories]) {
        if (lc === id || lc.startsWith(id + '\\')) {
          state.directories.delete(lc);
          removed.push(dir);
        }
      }
    }
    return removed;
  }

  const segment = fc.constantFrom('a', 'B', 'c', 'aspnet_client', 'system_web', '2_0_50727');
  const dirPath = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => ['C:', ...parts].join('\\'));

  it('removes what removing each folder in turn removes, in the same order', () => {
    fc.assert(
      fc.property(fc.array(dirPath, { maxLength: 30 }), fc.array(dirPath, { maxLength: 5 }), (dirs, folders) => {
        const make = (): MachineState => {
          const state = buildProfile('iis6-bare');
          state.directories.clear();
          const d = new Draft(state);
          for (const dir of dirs) d.mkdir(dir);
          return state;
        };
        const expected = naive(make(), folders);
        const state = make();
        const d = new Draft(state);
        d.rmdirs(folders);
        expect(d.changes.map((c) => (c.kind === 'rmdir' ? c.path : '?'))).toEqual(expected);
        expect([...state.directories.keys()].some((lc) => folders.some((f) => lc === f.toLowerCase() || lc.startsWith(f.toLowerCase() + '\\')))).toBe(false);
      }),
    );
  });
});

describe('recycledApplications without a restart', () => {
  it('hits the applications at and below each touched key whose effective list changed', () => {
    const state = buildProfile('win2003-net20');
    const setup = new Draft(state);
    for (const path of ['W3SVC/1/ROOT/A', 'W3SVC/1/ROOT/A/B', 'W3SVC/1/ROOT/C', 'W3SVC/1/ROOT/AB']) addVirtualDirectory(setup, path, `C:\\x\\${path.replace(/\//g, '_')}`, true, undefined);
    setup.setProperty('/LM/W3SVC/1/ROOT/A/B', property('ScriptMaps', moveList(iisDefaultScriptMaps('C:\\WINDOWS'), '2.0.50727', processorPath(state, '2.0.50727'))));

    const d = new Draft(state);
    // /ROOT/A moves to 1.1: A is hit; A/B holds its own list (unchanged), AB only shares a prefix of the name.
    d.setProperty('/LM/W3SVC/1/ROOT/A', property('ScriptMaps', moveList(iisDefaultScriptMaps('C:\\WINDOWS'), '1.1.4322', processorPath(state, '1.1.4322'))));
    expect(recycledApplications(d, false)).toEqual(['/LM/W3SVC/1/ROOT/A']);

    const all = new Draft(state);
    all.setProperty('/LM/W3SVC', property('ScriptMaps', removeAspNet(all.list('/LM/W3SVC', 'ScriptMaps'))));
    // The drafts share the state: A and A/B hold lists of their own by now, so the root's change misses them.
    expect(recycledApplications(all, false)).toEqual(['/LM/W3SVC/1/ROOT', '/LM/W3SVC/1/ROOT/C', '/LM/W3SVC/1/ROOT/AB']);
  });
});
