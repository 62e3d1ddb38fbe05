import { describe, expect, test } from 'vitest';
import { Metabase, type MetabaseKey, type Property, property } from '../../src/metabase/metabase.js';
import { parseMetabaseXml } from '../../src/metabase/xml/read.js';
import { XmlWriteError, inheritedAt, metabaseXml, metabaseXmlText } from '../../src/metabase/xml/write.js';

const key = (path: string, keyType: string, ...properties: Property[]): MetabaseKey => ({
  path,
  keyType,
  properties: new Map(properties.map((p) => [p.name.toLowerCase(), p])),
});

const small = (): Metabase =>
  new Metabase([
    key('/LM', 'IIsComputer'),
    key(
      '/LM/W3SVC',
      'IIsWebService',
      property('AppPoolId', 'DefaultAppPool'),
      property('ApplicationDependencies', ['Active Server Pages;ASP', 'Server Side Includes;SSINC']),
      property('DefaultDoc', 'Default.htm,Default.aspx'),
    ),
    key('/LM/W3SVC/1', 'IIsWebServer', property('ServerComment', 'R&D <"test">'), property('ServerBindings', [':80:', ':80:www.example.com'])),
    key('/LM/W3SVC/1/ROOT', 'IIsWebVirtualDir', property('AppRoot', '/LM/W3SVC/1/ROOT'), property('Path', 'C:\\Inetpub\\wwwroot')),
  ]);

describe('layout', () => {
  test('is IIS 6 layout, byte for byte', () => {
    expect(metabaseXmlText(small(), { eol: '\n' })).toBe(
      [
        '<?xml version ="1.0"?>',
        '<configuration xmlns="urn:microsoft-catalog:XML_Metabase_V64_0">',
        '<MBProperty>',
        '<IIsComputer\tLocation ="/LM"',
        '\t>',
        '</IIsComputer>',
        '<IIsWebService\tLocation ="/LM/W3SVC"',
        '\t\tAppPoolId="DefaultAppPool"',
        '\t\tApplicationDependencies="Active Server Pages;ASP',
        '\t\t\tServer Side Includes;SSINC"',
        '\t\tDefaultDoc="Default.htm,Default.aspx"',
        '\t>',
        '</IIsWebService>',
        '<IIsWebServer\tLocation ="/LM/W3SVC/1"',
        '\t\tServerComment="R&amp;D &lt;&quot;test&quot;&gt;"',
        '\t\tServerBindings=":80:',
        '\t\t\t:80:www.example.com"',
        '\t>',
        '</IIsWebServer>',
        '<IIsWebVirtualDir\tLocation ="/LM/W3SVC/1/ROOT"',
        '\t\tAppRoot="/LM/W3SVC/1/ROOT"',
        '\t\tPath="C:\\Inetpub\\wwwroot"',
        '\t>',
        '</IIsWebVirtualDir>',
        '</MBProperty>',
        '</configuration>',
        '',
      ].join('\n'),
    );
  });

  test('writes CRLF by default, as IIS does, MULTISZ separators included', () => {
    const text = metabaseXmlText(small());
    expect(text.split('\r\n')).toHaveLength(27);
    expect(text).not.toMatch(/[^\r]\n/);
    expect(text).toContain('ApplicationDependencies="Active Server Pages;ASP\r\n\t\t\tServer Side Includes;SSINC"');
  });

  test('Custom properties follow the start tag, with the fields they had', () => {
    const metabase = new Metabase([
      key(
        '/LM/W3SVC/1/ROOT/x.asp',
        '',
        { name: 'AuthFlags', value: 'AuthBasic | AuthNTLM', id: 6000, dataType: 'DWORD', userType: 'IIS_MD_UT_FILE', attributes: 'INHERIT', xml: { kind: 'custom', omitted: [] } },
        { name: 'Short', value: ['a b', ''], id: 50001, dataType: 'MULTISZ', xml: { kind: 'custom', omitted: ['Type', 'UserType', 'Attributes'] } },
        property('Path', 'C:\\x'),
      ),
    ]);
    expect(metabaseXmlText(metabase, { path: '/LM/W3SVC/1/ROOT/x.asp', eol: '\n' })).toContain(
      [
        '<IIsConfigObject\tLocation ="/LM/W3SVC/1/ROOT/x.asp"',
        '\t\tPath="C:\\x"',
        '\t>',
        '\t<Custom',
        '\t\tName="AuthFlags"',
        '\t\tID="6000"',
        '\t\tValue="AuthBasic | AuthNTLM"',
        '\t\tType="DWORD"',
        '\t\tUserType="IIS_MD_UT_FILE"',
        '\t\tAttributes="INHERIT"',
        '\t/>',
        '\t<Custom',
        '\t\tName="Short"',
        '\t\tID="50001"',
        '\t\tValue="a b',
        '\t\t\t"',
        '\t/>',
        '</IIsConfigObject>',
      ].join('\n'),
    );
  });

  test('a property the program made is an attribute when the schema knows it, a Custom element otherwise', () => {
    const metabase = new Metabase([key('/LM/W3SVC/1', 'IIsWebServer', property('ServerComment', 'x'), property('My Setting', 'y'), property('Location', 'z'))]);
    const text = metabaseXmlText(metabase, { path: '/LM/W3SVC/1', eol: '\n' });
    expect(text).toContain('\t\tServerComment="x"\n\t>\n');
    expect(text).toContain('\t<Custom\n\t\tName="My Setting"\n\t\tValue="y"\n\t\tType="STRING"\n\t/>\n');
    expect(text).toContain('\t<Custom\n\t\tName="Location"\n');
  });

  test('escapes what a reader would otherwise lose: TAB, line breaks, leading spaces of later entries, illegal characters', () => {
    const metabase = new Metabase([key('/LM/W3SVC/1', 'IIsWebServer', property('ServerComment', 'a\tb\r\nc\u0007'), property('ServerBindings', [' x', ' y', '\tz']))]);
    const text = metabaseXmlText(metabase, { path: '/LM/W3SVC/1', eol: '\n' });
    expect(text).toContain('ServerComment="a&#x0009;b&#x000D;&#x000A;c&#x10007;"');
    expect(text).toContain('ServerBindings=" x\n\t\t\t&#x0020;y\n\t\t\t&#x0009;z"');
    const back = parseMetabaseXml(text).keys[0]!;
    expect(back.properties.get('servercomment')?.value).toBe('a\tb\r\nc\u0007');
    expect(back.properties.get('serverbindings')?.value).toEqual([' x', ' y', '\tz']);
  });

  test('keeps the namespace it is given and the comments a key had', () => {
    const metabase = new Metabase([{ ...key('/LM', 'IIsComputer'), comments: [' first ', 'second'] }]);
    const text = metabaseXmlText(metabase, { eol: '\n', namespace: 'urn:x' });
    expect(text).toContain('<configuration xmlns="urn:x">\n<MBProperty>\n<!-- first -->\n<!--second-->\n<IIsComputer\tLocation ="/LM"\n');
  });

  test('refuses a KeyType that cannot be an element name', () => {
    const metabase = new Metabase([key('/LM', 'Not a name')]);
    expect(() => metabaseXmlText(metabase)).toThrow(XmlWriteError);
  });
});

describe('fragments', () => {
  test('the key at PATH and everything below it, case-insensitively', () => {
    const text = metabaseXmlText(small(), { path: '/lm/w3svc/1', eol: '\n' });
    expect(parseMetabaseXml(text).keys.map((k) => k.path)).toEqual(['/LM/W3SVC/1', '/LM/W3SVC/1/ROOT']);
    expect(() => metabaseXmlText(small(), { path: '/LM/W3SVC/9' })).toThrow(/no key \/LM\/W3SVC\/9/);
  });

  test('--inherited writes at the top key the inheritable values it takes from above, nearest first', () => {
    const metabase = small();
    metabase.put(key('/LM/W3SVC/1', 'IIsWebServer', property('ServerComment', 'x'), property('DefaultDoc', 'index.htm')));
    const top = metabase.get('/LM/W3SVC/1/ROOT')!;
    expect(inheritedAt(metabase, top).map((p) => `${p.name}=${String(p.value)}`)).toEqual(['DefaultDoc=index.htm', 'AppPoolId=DefaultAppPool']);
    const keys = parseMetabaseXml(metabaseXmlText(metabase, { path: '/LM/W3SVC/1/ROOT', inherited: true })).keys;
    expect([...keys[0]!.properties.keys()]).toEqual(['approot', 'path', 'defaultdoc', 'apppoolid']);
    const plain = parseMetabaseXml(metabaseXmlText(metabase, { path: '/LM/W3SVC/1/ROOT' })).keys;
    expect([...plain[0]!.properties.keys()]).toEqual(['approot', 'path']);
  });
});

describe('streaming', () => {
  test('comes in chunks of at least 64 KiB, and reports each key written', () => {
    const keys = [key('/LM', 'IIsComputer')];
    for (let i = 0; i < 3000; i++) keys.push(key(`/LM/K${i}`, 'IIsConfigObject', property('ServerComment', `key number ${i} with some text`)));
    const written: number[] = [];
    const chunks = [...metabaseXml(new Metabase(keys), { onKey: (n) => written.push(n) })];
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks.slice(0, -1)) expect(chunk.length).toBeGreaterThanOrEqual(64 * 1024);
    expect(written).toHaveLength(3001);
    expect(written.at(-1)).toBe(3001);
    expect(parseMetabaseXml(chunks.join('')).keys).toHaveLength(3001);
  });
});
