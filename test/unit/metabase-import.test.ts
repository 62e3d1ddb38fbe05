import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Draft } from '../../src/machine/machine.js';
import {
  ImportError,
  contentFolders,
  frameworksNamed,
  isWholeMetabase,
  placeAt,
  registerImported,
  relocateFragment,
  withAncestors,
} from '../../src/machine/metabase-import.js';
import { buildProfile } from '../../src/machine/profiles.js';
import { type MetabaseKey, property } from '../../src/metabase/metabase.js';
import { parseMetabaseXml } from '../../src/metabase/xml/read.js';

const keysOf = (name: string): readonly MetabaseKey[] =>
  parseMetabaseXml(readFileSync(join(import.meta.dirname, '..', 'fixtures', name), 'utf8')).keys;

const key = (path: string, ...props: ReturnType<typeof property>[]): MetabaseKey => ({
  path,
  keyType: 'IIsWebVirtualDir',
  properties: new Map(props.map((p) => [p.name.toLowerCase(), p])),
});

describe('frameworksNamed', () => {
  test('finds the versions ScriptMaps, Web Service Extensions and ApplicationDependencies name', () => {
    expect(frameworksNamed(keysOf('iis6-full.xml'))).toEqual(['1.1.4322', '2.0.50727', '4.0.30319']);
    expect(frameworksNamed(keysOf('iis6-small-ns.xml'))).toEqual(['1.1.4322']);
  });

  test('each source counts on its own; versions the tool does not know are left out', () => {
    const deps = key('/LM/W3SVC', property('ApplicationDependencies', ['ASP.NET v4.0.30319;ASP.NET v4.0.30319', 'Active Server Pages;ASP']));
    const wse = key('/LM/W3SVC', property('WebSvcExtRestrictionList', ['0,C:\\WINDOWS\\Microsoft.NET\\Framework64\\v2.0.50727\\aspnet_isapi.dll,0,ASP.NET v2.0.50727,ASP.NET v2.0.50727']));
    const beta = key('/LM/W3SVC', property('ScriptMaps', ['.aspx,C:\\WINDOWS\\Microsoft.NET\\Framework\\v2.0.40607\\aspnet_isapi.dll,1,GET']));
    expect(frameworksNamed([deps])).toEqual(['4.0.30319']);
    expect(frameworksNamed([wse])).toEqual(['2.0.50727']);
    expect(frameworksNamed([beta])).toEqual([]);
  });
});

describe('registerImported', () => {
  test('a whole import registers what the file names and unregisters the rest, keeping its files', () => {
    const d = new Draft(buildProfile('win2003'));
    registerImported(d, ['2.0.50727', '4.0.30319'], true);
    expect(d.state.frameworks.get('1.1.4322')).toMatchObject({ installed: true, registered: false });
    expect(d.state.frameworks.get('2.0.50727')).toMatchObject({ installed: true, registered: true, isapiPresent: true });
    expect(d.state.frameworks.get('4.0.30319')).toMatchObject({ installed: true, registered: true });
    expect(d.state.services).toEqual({ stateService: '4.0.30319', perfCounters: '4.0.30319', aspnetAccount: true });
  });

  test('a fragment only adds; a framework already registered is left as it is', () => {
    const d = new Draft(buildProfile('win2003'));
    registerImported(d, ['1.1.4322'], false);
    expect(d.changes).toEqual([]);
    registerImported(d, ['2.0.50727'], false);
    expect(d.state.frameworks.get('1.1.4322')?.registered).toBe(true);
    expect(d.state.frameworks.get('2.0.50727')?.registered).toBe(true);
  });

  test('unregistering the last version removes the ASPNET account', () => {
    const d = new Draft(buildProfile('win2003'));
    registerImported(d, [], true);
    expect(d.state.services).toEqual({ stateService: undefined, perfCounters: undefined, aspnetAccount: false });
  });
});

describe('fragments', () => {
  test('a whole file holds /LM', () => {
    expect(isWholeMetabase(keysOf('iis6-full.xml'))).toBe(true);
    expect(isWholeMetabase(keysOf('iis6-fragment-intranet.xml'))).toBe(false);
  });

  test('move to --at with their AppRoots; AppRoots outside the fragment stay', () => {
    const keys = [
      { path: '.', keyType: 'IIS_Global', properties: new Map() },
      key('/LM/W3SVC/7/ROOT', property('AppRoot', '/LM/W3SVC/7/ROOT')),
      key('/LM/W3SVC/7/ROOT/App', property('AppRoot', '/LM/W3SVC/7/ROOT/App/')),
      key('/LM/W3SVC/7/ROOT/Other', property('AppRoot', '/LM/W3SVC/1/ROOT')),
    ];
    const moved = relocateFragment(keys, '/LM/W3SVC/9/ROOT');
    expect(moved.map((k) => [k.path, k.properties.get('approot')?.value])).toEqual([
      ['/LM/W3SVC/9/ROOT', '/LM/W3SVC/9/ROOT'],
      ['/LM/W3SVC/9/ROOT/App', '/LM/W3SVC/9/ROOT/App/'],
      ['/LM/W3SVC/9/ROOT/Other', '/LM/W3SVC/1/ROOT'],
    ]);
  });

  test('hold one key and the keys below it', () => {
    expect(() => relocateFragment([key('/LM/W3SVC/1'), key('/LM/W3SVC/2')], '/LM/W3SVC/5')).toThrow(ImportError);
    expect(() => relocateFragment([{ path: '.', keyType: 'IIS_Global', properties: new Map() }], '/LM/W3SVC/5')).toThrow(/no keys/);
  });

  test('go under an existing parent, which gives the path its stored case', () => {
    const metabase = buildProfile('win2003').metabase;
    expect(placeAt(metabase, '/lm/w3svc/5')).toBe('/LM/W3SVC/5');
    expect(() => placeAt(metabase, '/LM/W3SVC/5/ROOT')).toThrow(/parent \/LM\/W3SVC\/5 does not exist/);
  });
});

describe('withAncestors', () => {
  test('adds missing parents as untyped keys just before the first key below them', () => {
    const keys = [key('/LM'), key('/LM/W3SVC/1/ROOT'), key('/LM/W3SVC/1/ROOT/a/b')];
    expect(withAncestors(keys).map((k) => `${k.path} ${k.keyType}`)).toEqual([
      '/LM IIsWebVirtualDir',
      '/LM/W3SVC IIsConfigObject',
      '/LM/W3SVC/1 IIsConfigObject',
      '/LM/W3SVC/1/ROOT IIsWebVirtualDir',
      '/LM/W3SVC/1/ROOT/a IIsConfigObject',
      '/LM/W3SVC/1/ROOT/a/b IIsWebVirtualDir',
    ]);
    expect(withAncestors([key('/LM/W3SVC/5/x')], (path) => path === '/LM/W3SVC/5').map((k) => k.path)).toEqual(['/LM/W3SVC/5/x']);
  });
});

test('contentFolders are the local folders of virtual directories', () => {
  expect(contentFolders(keysOf('iis6-full.xml'))).toEqual([
    'C:\\Inetpub\\ftproot',
    'C:\\Inetpub\\wwwroot',
    'C:\\Inetpub\\wwwroot\\aspnet_client',
    'D:\\Sites\\Legacy',
    'D:\\Sites\\Intranet',
    'D:\\Sites\\Reports',
    'D:\\Sites\\Shop',
    'D:\\Sites\\Shop\\Api',
    'D:\\Sites\\ShopOld',
  ]);
});
