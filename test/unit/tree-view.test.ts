import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildProfile } from '../../src/machine/profiles.js';
import { Metabase, type MetabaseKey } from '../../src/metabase/metabase.js';
import { treeLines, treeModel } from '../../src/metabase/tree-view.js';
import { parseMetabaseXml } from '../../src/metabase/xml/read.js';

const full = (): Metabase => new Metabase(parseMetabaseXml(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'iis6-full.xml'), 'utf8')).keys);

describe('treeModel', () => {
  test('marks applications, pools and ASP.NET versions explicit or inherited', () => {
    const nodes = new Map(treeModel(full(), { path: '/LM/W3SVC/1234567' }).map((n) => [n.path, n]));
    expect(nodes.get('/LM/W3SVC/1234567')).toMatchObject({ depth: 0, keyType: 'IIsWebServer', application: false, pool: undefined, aspnet: { version: '2.0.50727', explicit: false } });
    expect(nodes.get('/LM/W3SVC/1234567/ROOT')).toMatchObject({ depth: 1, application: true, pool: { name: 'AppPool_NET20', explicit: true }, aspnet: { version: '2.0.50727', explicit: true, mixed: false } });
    expect(nodes.get('/LM/W3SVC/1234567/ROOT/Reports')).toMatchObject({ application: true, pool: { name: 'AppPool_NET40', explicit: true }, aspnet: { version: '4.0.30319', explicit: true } });
    expect(nodes.get('/LM/W3SVC/1234567/ROOT/Reports/Archive')).toMatchObject({ depth: 3, application: false, aspnet: { version: '4.0.30319', explicit: false } });
  });

  test('an application without its own AppPoolId shows the pool it inherits', () => {
    const old = treeModel(full(), { path: '/LM/W3SVC/3/ROOT/Old' })[0];
    expect(old).toMatchObject({ application: true, pool: { name: 'AppPool_NET40', explicit: false }, aspnet: { version: '1.1.4322', explicit: true } });
  });

  test('keys that are not web content show no ASP.NET version; a list with none says so', () => {
    const metabase = full();
    expect(treeModel(metabase, { path: '/LM/W3SVC/AppPools' })[0]?.aspnet).toBeUndefined();
    expect(treeModel(metabase, { path: '/LM/MSFTPSVC' })[0]?.aspnet).toBeUndefined();
    const bare = buildProfile('iis6-bare').metabase;
    expect(treeModel(bare, { path: '/LM/W3SVC/1/ROOT' })[0]?.aspnet).toEqual({ version: undefined, explicit: false, mixed: false });
  });

  test('a mixed list counts as its highest version and says it is mixed', () => {
    const metabase = full();
    const legacy = metabase.get('/LM/W3SVC/1/ROOT/Legacy')!;
    const maps = legacy.properties.get('scriptmaps')!;
    const mixed = [...(maps.value as string[]), '.svc,C:\\WINDOWS\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_isapi.dll,1,GET,HEAD,POST,DEBUG'];
    metabase.put({ ...legacy, properties: new Map([...legacy.properties, ['scriptmaps', { ...maps, value: mixed }]]) } as MetabaseKey);
    expect(treeModel(metabase, { path: '/LM/W3SVC/1/ROOT/Legacy' })[0]?.aspnet).toEqual({ version: '2.0.50727', explicit: true, mixed: true });
  });

  test('the depth limit summarises the keys below the deepest keys shown', () => {
    const nodes = treeModel(full(), { path: '/LM/W3SVC', depth: 1 });
    expect(nodes.every((n) => n.depth <= 1)).toBe(true);
    const byPath = new Map(nodes.map((n) => [n.path, n]));
    expect(byPath.get('/LM/W3SVC/1')?.hiddenBelow).toBe(6);
    expect(byPath.get('/LM/W3SVC/AppPools')?.hiddenBelow).toBe(3);
    expect(byPath.get('/LM/W3SVC/Info')?.hiddenBelow).toBe(0);
    expect(treeModel(full(), { depth: 0 }).map((n) => [n.path, n.hiddenBelow])).toEqual([
      ['.', 0],
      ['/LM', 29],
    ]);
  });

  test('an unknown path is an error', () => {
    expect(() => treeModel(full(), { path: '/LM/W3SVC/99' })).toThrow(/no key/);
  });
});

describe('treeLines', () => {
  test('one line a key, indented, with its markers; a summary line for what the limit cut', () => {
    const lines = treeLines(treeModel(full(), { path: '/LM/W3SVC/1234567', depth: 2 }));
    expect(lines).toEqual([
      '/LM/W3SVC/1234567  IIsWebServer  ASP.NET 2.0.50727 (inherited)',
      '  ROOT  IIsWebVirtualDir  [application]  pool AppPool_NET20 (explicit)  ASP.NET 2.0.50727 (explicit)',
      '    Reports  IIsWebVirtualDir  [application]  pool AppPool_NET40 (explicit)  ASP.NET 4.0.30319 (explicit)',
      '      … 1 key below',
      '    Shared  IIsWebVirtualDir  ASP.NET 2.0.50727 (inherited)',
    ]);
  });

  test('large counts get thousands separators', () => {
    const keys: MetabaseKey[] = [{ path: '/LM', keyType: 'IIsComputer', properties: new Map() }];
    for (let i = 0; i < 3412; i++) keys.push({ path: `/LM/K${i}`, keyType: 'IIsConfigObject', properties: new Map() });
    expect(treeLines(treeModel(new Metabase(keys), { depth: 0 }))).toEqual(['/LM  IIsComputer', '  … 3,412 keys below']);
  });
});
