import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { MetabaseKey } from '../../src/metabase/metabase.js';
import { MetabaseXmlError, parseMetabaseXml, readMetabaseXml } from '../../src/metabase/xml/read.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));

/** A document in IIS layout around the given key elements. */
const doc = (body: string, eol = '\n'): string =>
  ['<?xml version ="1.0"?>', '<configuration xmlns="urn:microsoft-catalog:XML_Metabase_V64_0">', '<MBProperty>', body, '</MBProperty>', '</configuration>', ''].join(eol);

const prop = (key: MetabaseKey | undefined, name: string) => key?.properties.get(name.toLowerCase());

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

function failure(run: () => unknown): MetabaseXmlError {
  try {
    run();
  } catch (error) {
    if (error instanceof MetabaseXmlError) return error;
    throw error;
  }
  throw new Error('expected a MetabaseXmlError');
}

async function failureOf(promise: Promise<unknown>): Promise<MetabaseXmlError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof MetabaseXmlError) return error;
  throw new Error(`expected a MetabaseXmlError, got ${String(error)}`);
}

describe('MULTISZ values', () => {
  test('each line of the attribute is one entry, spaces inside entries kept (the normalisation trap)', () => {
    const xml = doc(
      '<IIsWebService\tLocation ="/LM/W3SVC"\n' +
        '\t\tApplicationDependencies="Active Server Pages;ASP\n\t\t\tServer Side Includes;SSINC\n\t\t\tASP.NET v2.0.50727;ASP.NET v2.0.50727"\n' +
        '\t\tServerComment="one line"\n' +
        '\t>\n</IIsWebService>',
    );
    const [key] = parseMetabaseXml(xml).keys;
    expect(prop(key, 'ApplicationDependencies')?.value).toEqual([
      'Active Server Pages;ASP',
      'Server Side Includes;SSINC',
      'ASP.NET v2.0.50727;ASP.NET v2.0.50727',
    ]);
    expect(prop(key, 'ServerComment')?.value).toBe('one line');
  });

  test('CRLF, CR and LF all separate entries; the indentation after them is layout', () => {
    for (const eol of ['\r\n', '\r', '\n']) {
      const xml = doc(`<IIsWebServer\tLocation ="/LM/W3SVC/1"${eol}\t\tServerBindings=":80:a b${eol}\t\t\t:80:c${eol}  \t:81:d"${eol}\t>${eol}</IIsWebServer>`, eol);
      expect(prop(parseMetabaseXml(xml).keys[0], 'ServerBindings')?.value, JSON.stringify(eol)).toEqual([':80:a b', ':80:c', ':81:d']);
    }
  });

  test('references stay content: an escaped TAB, a leading escaped space, an escaped line break', () => {
    const xml = doc(
      '<IIsWebServer\tLocation ="/LM/W3SVC/1"\n\t\tServerBindings="a&#x0009;b\n\t\t\t&#x0020; lead\n\t\t\tx&#x000A;y &amp; &lt;z&gt; &quot;q&quot;"\n\t>\n</IIsWebServer>',
    );
    expect(prop(parseMetabaseXml(xml).keys[0], 'ServerBindings')?.value).toEqual(['a\tb', '  lead', 'x\ny & <z> "q"']);
  });

  test('a single-line MULTISZ is a list of one; an empty one is empty; a raw TAB inside a line is a space', () => {
    const xml = doc('<IIsWebServer\tLocation ="/LM/W3SVC/1"\n\t\tServerBindings=":80:"\n\t\tSecureBindings=""\n\t\tHttpErrors="a\tb"\n\t>\n</IIsWebServer>');
    const [key] = parseMetabaseXml(xml).keys;
    expect(prop(key, 'ServerBindings')?.value).toEqual([':80:']);
    expect(prop(key, 'SecureBindings')?.value).toEqual([]);
    expect(prop(key, 'HttpErrors')?.value).toEqual(['a b']);
  });

  test('an attribute the schema does not know is a list when it spans lines, text otherwise', () => {
    const xml = doc('<IIsWebServer\tLocation ="/LM/W3SVC/1"\n\t\tContosoList="a b\n\t\t\tc d"\n\t\tContosoText="a b"\n\t>\n</IIsWebServer>');
    const [key] = parseMetabaseXml(xml).keys;
    expect(prop(key, 'ContosoList')?.value).toEqual(['a b', 'c d']);
    expect(prop(key, 'ContosoText')?.value).toBe('a b');
  });

  test('a known non-MULTISZ property that spans lines is read as XML reads it', () => {
    const xml = doc('<IIsWebServer\tLocation ="/LM/W3SVC/1"\n\t\tServerComment="a\n\tb"\n\t>\n</IIsWebServer>');
    expect(prop(parseMetabaseXml(xml).keys[0], 'ServerComment')?.value).toBe('a  b');
  });

  test('IIS shifted references for characters XML cannot hold come back as those characters', () => {
    const xml = doc('<IIsWebServer\tLocation ="/LM/W3SVC/1"\n\t\tServerComment="bell&#x10007;"\n\t\tServerBindings="x&#x10001;\n\t\t\ty"\n\t>\n</IIsWebServer>');
    const [key] = parseMetabaseXml(xml).keys;
    expect(prop(key, 'ServerComment')?.value).toBe('bell\u0007');
    expect(prop(key, 'ServerBindings')?.value).toEqual(['x\u0001', 'y']);
  });
});

describe('the full IIS 6 fixture', async () => {
  const xml = await readMetabaseXml(chunksOf(fixture('iis6-full.xml'), 4096));
  const byPath = new Map(xml.keys.map((key) => [key.path, key]));

  test('keeps the namespace, every key in file order and every element name', () => {
    expect(xml.namespace).toBe('urn:microsoft-catalog:XML_Metabase_V64_0');
    expect(xml.keys.map((k) => k.path).slice(0, 4)).toEqual(['.', '/LM', '/LM/Logging', '/LM/Logging/W3C Extended Log File Format']);
    expect(byPath.get('.')?.keyType).toBe('IIS_Global');
    expect(byPath.get('/LM/W3SVC/1/ROOT/localstart.asp')?.keyType).toBe('IIsConfigObject');
    expect(byPath.get('/LM/W3SVC/1/ROOT/Legacy/images/logo.gif')?.keyType).toBe('IIsWebFile');
    expect(xml.keys).toHaveLength(31);
  });

  test('keeps values as written: symbolic flags, TRUE/FALSE, secure values, escaped text', () => {
    const service = byPath.get('/LM/W3SVC');
    expect(prop(service, 'AccessFlags')?.value).toBe('AccessRead | AccessScript');
    expect(prop(service, 'AppAllowDebugging')?.value).toBe('FALSE');
    expect(prop(service, 'AnonymousUserPass')?.value).toMatch(/^496344627000000024/);
    expect(prop(byPath.get('/LM/W3SVC/3'), 'ServerComment')?.value).toBe('Shop <R&D> "beta"');
    expect(prop(byPath.get('/LM/W3SVC/3/ROOT'), 'HttpCustomHeaders')?.value).toEqual([
      'X-UA-Compatible: IE=EmulateIE7',
      'P3P: CP="IDC DSP COR ADM DEVi TAIi PSA PSD IVAi IVDi CONi HIS OUR IND CNT"',
    ]);
    expect(prop(service, 'WebSvcExtRestrictionList')?.value).toContain('1,C:\\Program Files\\Contoso Reports\\rpt.dll,1,CONTOSORPT,Contoso Report Engine');
  });

  test('keeps property order and which properties were attributes', () => {
    const root = byPath.get('/LM/W3SVC/1/ROOT')!;
    expect([...root.properties.values()].map((p) => p.name)).toEqual(['AccessFlags', 'AppFriendlyName', 'AppIsolated', 'AppPoolId', 'AppRoot', 'Path', 'ScriptMaps']);
    expect(prop(root, 'ScriptMaps')).toMatchObject({ id: 6014, dataType: 'MULTISZ', xml: { kind: 'attribute' } });
    // the 8 IIS maps, then 2.0's 43 ASP.NET entries
    expect(prop(root, 'ScriptMaps')?.value).toHaveLength(8 + 43);
  });

  test('keeps Custom elements with all their fields, MULTISZ ones entry by entry', () => {
    const service = byPath.get('/LM/W3SVC');
    expect(prop(service, 'AdminServer')).toEqual({
      name: 'AdminServer',
      value: '2',
      id: 2115,
      dataType: 'STRING',
      userType: 'IIS_MD_UT_SERVER',
      attributes: 'INHERIT',
      xml: { kind: 'custom', omitted: [] },
    });
    expect(prop(service, 'ContosoDeployTargets')?.value).toEqual(['web01 primary', 'web02 standby (read only)', '']);
    expect(prop(service, 'ContosoApiKey')).toMatchObject({ attributes: 'SECURE', value: '49634462700000001a000000400000004dd9d2c6b1e1b8e0c4d5' });
    expect(prop(byPath.get('/LM/W3SVC/3/ROOT'), 'ShopFeatureFlags')?.value).toEqual(['checkout v2', 'gift cards', 'tab\tinside']);
    expect(prop(byPath.get('/LM/W3SVC/1/ROOT/localstart.asp'), 'AuthFlags')).toMatchObject({ value: 'AuthBasic | AuthNTLM', id: 6000, xml: { kind: 'custom' } });
  });

  test('keeps the comment IIS keeps before a key', () => {
    expect(byPath.get('/LM/W3SVC/3')?.comments).toEqual([' Shop: moved from web02 on 2009-04-01 (ticket #4711) ']);
    expect(xml.droppedComments).toBe(0);
  });

  test('reads the same in any chunking, including one byte at a time', async () => {
    const bytes = fixture('iis6-full.xml');
    const once = parseMetabaseXml(bytes.toString('utf8'));
    for (const size of [1, 7, 4093]) {
      const chunked = await readMetabaseXml(chunksOf(bytes, size));
      expect(chunked.keys, `chunks of ${size}`).toEqual(once.keys);
    }
  });
});

describe('other forms', () => {
  test('a Custom element that leaves fields out remembers which; its type comes from the schema', () => {
    const xml = doc('<IIsConfigObject\tLocation ="/LM/W3SVC/1/ROOT/x"\n\t>\n\t<Custom\n\t\tName="ScriptMaps"\n\t\tID="6014"\n\t\tValue=".a,b.dll,1\n\t\t\t.c,d.dll,5"\n\t/>\n</IIsConfigObject>');
    expect(prop(parseMetabaseXml(xml).keys[0], 'ScriptMaps')).toEqual({
      name: 'ScriptMaps',
      value: ['.a,b.dll,1', '.c,d.dll,5'],
      id: 6014,
      dataType: 'MULTISZ',
      userType: undefined,
      attributes: undefined,
      xml: { kind: 'custom', omitted: ['Type', 'UserType', 'Attributes'] },
    });
  });

  test('a bare <MBProperty> or a single bare key element is read too; Location loses a trailing slash', () => {
    expect(parseMetabaseXml('<MBProperty>\n<IIsWebServer Location="/LM/W3SVC/2/"/>\n</MBProperty>').keys.map((k) => k.path)).toEqual(['/LM/W3SVC/2']);
    const single = parseMetabaseXml('<?xml version="1.0"?>\n<IIsWebVirtualDir Location="/LM/W3SVC/1/ROOT/App" Path="C:\\App"><Custom Name="X" ID="1" Value="y"/></IIsWebVirtualDir>');
    expect(single.namespace).toBeUndefined();
    expect(single.keys[0]?.keyType).toBe('IIsWebVirtualDir');
    expect([...single.keys[0]!.properties.keys()]).toEqual(['path', 'x']);
  });

  test('UTF-8 with a byte order mark, and UTF-16 with one, read the same', async () => {
    const text = doc('<IIsWebServer\tLocation ="/LM/W3SVC/1"\n\t\tServerComment="Café — Straße"\n\t>\n</IIsWebServer>');
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    for (const bytes of [utf8, utf16]) {
      const xml = await readMetabaseXml(chunksOf(bytes, 3));
      expect(prop(xml.keys[0], 'ServerComment')?.value).toBe('Café — Straße');
    }
  });

  test('comments anywhere but before a key are counted as dropped', () => {
    const xml = parseMetabaseXml('<!-- a --><configuration><!-- b --><MBProperty><K Location="/LM"><!-- c --></K><!-- d --></MBProperty></configuration>');
    expect(xml.droppedComments).toBe(4);
    expect(xml.keys[0]?.comments).toBeUndefined();
  });

  test('onKey takes the keys as they end', async () => {
    const seen: string[] = [];
    const xml = await readMetabaseXml(chunksOf(fixture('iis6-fragment-intranet.xml'), 100), { onKey: (key) => seen.push(key.path) });
    expect(seen).toEqual(['/LM/W3SVC/1234567', '/LM/W3SVC/1234567/ROOT', '/LM/W3SVC/1234567/ROOT/Reports', '/LM/W3SVC/1234567/ROOT/Reports/Archive']);
    expect(xml.keys).toEqual([]);
  });
});

describe('refusals name the line and column', () => {
  const hostile = (name: string) => readMetabaseXml(chunksOf(fixture(join('hostile', name)), 64));

  test('a DTD, however harmless, at the line of its DOCTYPE', async () => {
    for (const name of ['doctype-entity.xml', 'billion-laughs.xml', 'external-entity.xml']) {
      const error = await failureOf(hostile(name));
      expect(error.line, name).toBe(2);
      expect(error.column, name).toBe(1);
      expect(error.message, name).toMatch(/^line 2, column 1: a DOCTYPE is not accepted/);
    }
  });

  test('an entity reference beyond the five', async () => {
    const error = await failureOf(hostile('undeclared-entity.xml'));
    expect([error.line, error.column]).toEqual([8, 28]);
    expect(error.reason).toBe('undefined entity');
  });

  test('a truncated file, at its end', async () => {
    const error = await failureOf(hostile('truncated.xml'));
    expect(error.line).toBe(146);
    expect(error.message).toMatch(/unclosed|unterminated|end/i);
  });

  test('a mismatched end tag', async () => {
    const error = await failureOf(hostile('mismatched-tag.xml'));
    expect(error.line).toBe(10);
  });

  test('invalid UTF-8, at the first bad byte, in any chunking', async () => {
    for (const size of [1, 5, 64, 100000]) {
      const error = await failureOf(readMetabaseXml(chunksOf(fixture('hostile/invalid-utf8.xml'), size)));
      expect([error.line, error.column], `chunks of ${size}`).toEqual([46, 35]);
      expect(error.reason).toMatch(/invalid UTF-8/);
    }
  });

  test('a UTF-8 sequence cut off at the end of the file', async () => {
    const bytes = Buffer.concat([Buffer.from('<MBProperty>\n<K Location="/LM" A="'), Buffer.from([0xe2, 0x82])]);
    const error = await failureOf(readMetabaseXml(chunksOf(bytes, 2)));
    expect([error.line, error.column]).toEqual([2, 22]);
    expect(error.reason).toMatch(/invalid UTF-8/);
  });

  test('structure MetaBase.xml does not have', () => {
    const cases: [string, number, number, RegExp][] = [
      ['<root/>', 1, 1, /<root> is not MetaBase.xml/],
      ['<configuration>\n<Other/>\n</configuration>', 2, 1, /expected <MBProperty>/],
      ['<configuration x="1"/>', 1, 1, /unexpected attribute x/],
      ['<MBProperty>\n<K Location="/LM">\n  <Foo/>\n</K></MBProperty>', 3, 3, /<Foo> inside a key/],
      ['<MBProperty>\n<K Location="/LM">\n  <Custom Name="A"><B/></Custom>\n</K></MBProperty>', 3, 20, /inside <Custom>/],
      ['<MBProperty>\n<K Path="C:\\"/></MBProperty>', 2, 1, /has no Location/],
      ['<MBProperty>\n<K Location="LM/W3SVC"/></MBProperty>', 2, 1, /not a metabase path/],
      ['<MBProperty>\n<K Location="/LM"/>\n<L Location="/lm"/></MBProperty>', 3, 1, /the key \/lm appears twice \(first on line 2\)/],
      ['<MBProperty>\n<K Location="/LM" A="1"><Custom Name="a" Value="2"/></K></MBProperty>', 2, 25, /property a appears twice/],
      ['<MBProperty>\n<K Location="/LM"><Custom ID="1"/></K></MBProperty>', 2, 19, /without a Name/],
      ['<MBProperty>\n<K Location="/LM"><Custom Name="A" ID="x"/></K></MBProperty>', 2, 19, /not a number/],
      ['<MBProperty>\n<K Location="/LM"><Custom Name="A" Color="red"/></K></MBProperty>', 2, 19, /unexpected attribute Color/],
      ['<MBProperty>\n<K Location="/LM">\n   stray</K></MBProperty>', 3, 4, /text "stray" is not part of MetaBase.xml/],
      ['<MBProperty><K Location="/LM"/>oops</MBProperty>', 1, 32, /text "oops"/],
      ['<MBProperty><K Location="/LM"><![CDATA[x]]></K></MBProperty>', 1, 31, /CDATA/],
      ['<?xml version="1.0"?>\n<?php echo 1; ?>\n<MBProperty/>', 2, 16, /processing instruction/],
      ['<?xml version="1.0" encoding="ISO-8859-1"?>\n<MBProperty/>', 1, 43, /encoding "ISO-8859-1" is not supported/],
      // The parser checks attributes at the end of the tag, and says so there.
      ['<MBProperty>\n<K Location="/LM" A="1" A="2"/></MBProperty>', 2, 31, /duplicate attribute: A/],
    ];
    for (const [xml, line, column, reason] of cases) {
      const error = failure(() => parseMetabaseXml(xml));
      expect(error.message, xml).toMatch(reason);
      expect([error.line, error.column], xml).toEqual([line, column]);
    }
  });
});
