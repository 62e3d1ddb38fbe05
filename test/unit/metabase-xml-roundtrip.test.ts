import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Metabase, type MetabaseKey, type Property } from '../../src/metabase/metabase.js';
import { parseMetabaseXml } from '../../src/metabase/xml/read.js';
import { metabaseXmlText } from '../../src/metabase/xml/write.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const fixtures = readdirSync(FIXTURES).filter((name) => name.endsWith('.xml'));
const read = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

/** Everything a key carries, properties in order, as plain data. */
const plain = (keys: readonly MetabaseKey[]) =>
  keys.map((key) => ({ path: key.path, keyType: key.keyType, comments: key.comments, properties: [...key.properties.values()] }));

/** Import then export: the whole metabase, or for a fragment the key it starts at. */
const roundTrip = (text: string, eol: '\r\n' | '\n') => {
  const first = parseMetabaseXml(text);
  const path = first.keys.some((key) => key.path === '/LM') ? undefined : first.keys[0]!.path;
  const written = metabaseXmlText(new Metabase(first.keys), { path, namespace: first.namespace, eol });
  return { first, written, second: parseMetabaseXml(written) };
};

describe.each(fixtures)('%s', (name) => {
  const text = read(name);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';

  test('export of the import holds the same keys, properties, values and order', () => {
    const { first, second } = roundTrip(text, eol);
    expect(plain(second.keys)).toEqual(plain(first.keys));
    expect(second.namespace).toBe(first.namespace);
  });

  test('is written back byte for byte', () => {
    expect(roundTrip(text, eol).written).toBe(text);
  });

  test('is written back byte for byte with the other line ending, bar line endings', () => {
    const other = eol === '\n' ? '\r\n' : '\n';
    expect(roundTrip(text, other).written).toBe(text.split(eol).join(other));
  });
});

test('the fixtures include the whole-file, fragment and namespace cases', () => {
  expect(fixtures).toEqual(expect.arrayContaining(['iis6-full.xml', 'iis6-fragment-intranet.xml', 'iis6-small-ns.xml']));
});

describe('values that tempt a writer or reader to lose something', () => {
  const awkward = [
    'Active Server Pages;ASP',
    '  two leading spaces',
    '\tleading tab',
    'trailing spaces  ',
    'tab\tinside',
    'quotes "double" and \'single\'',
    '<angle> & ampersand; &amp; literal',
    'line\nbreak and \r\n CRLF',
    'bell \u0007 and \uFFFE',
    'unicode: café, 日本語, 😀',
    '',
  ];

  test.each(['\r\n', '\n'] as const)('MULTISZ entries and text survive export and import (%j)', (eol) => {
    const props: Property[] = [
      { name: 'ScriptMaps', value: awkward, xml: { kind: 'attribute' } },
      { name: 'ServerComment', value: awkward.join('|'), xml: { kind: 'attribute' } },
      { name: 'ContosoList', value: awkward, id: 50100, dataType: 'MULTISZ', xml: { kind: 'custom', omitted: [] } },
    ];
    const metabase = new Metabase([{ path: '/LM/W3SVC', keyType: 'IIsWebService', properties: new Map(props.map((p) => [p.name.toLowerCase(), p])) }]);
    const back = parseMetabaseXml(metabaseXmlText(metabase, { path: '/LM/W3SVC', eol })).keys[0]!;
    expect(back.properties.get('scriptmaps')?.value).toEqual(awkward);
    expect(back.properties.get('servercomment')?.value).toBe(awkward.join('|'));
    expect(back.properties.get('contosolist')?.value).toEqual(awkward);
  });
});
