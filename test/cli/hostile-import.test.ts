import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect } from 'vitest';
import { mb, test } from '../support/fixtures.js';
import { STACK_LINE, hashFile, isOneLine, listing } from '../support/files.js';

/**
 * `metabase import` of hostile files: each is refused in one line naming the file (and, for XML errors, the
 * line), exit 1, with the machine file byte for byte as it was and nothing fetched or expanded.
 */

const HEAD = '<?xml version ="1.0"?>\n<configuration xmlns="urn:microsoft-catalog:XML_Metabase_V64_0">\n<MBProperty>\n';
const KEY = (attrs: string) => `<IIsWebService\tLocation ="/LM/W3SVC"\n\t\t${attrs}\n\t>\n</IIsWebService>\n`;
const TAIL = '</MBProperty>\n</configuration>\n';

async function expectRefused(db: string, file: string, message: RegExp, args: string[] = []): Promise<string> {
  const hash = hashFile(db);
  const before = listing(dirname(db));
  const got = await mb(db, 'import', file, ...args);
  expect(got.exit, got.stdout + got.stderr).toBe(1);
  expect(isOneLine(got.stderr), got.stderr).toBe(true);
  expect(got.stderr).toMatch(/^metabase: /);
  expect(got.stderr).toMatch(message);
  expect(got.stderr).not.toMatch(STACK_LINE);
  expect(got.stdout).toBe('');
  expect(hashFile(db)).toBe(hash);
  expect(listing(dirname(db))).toEqual(before);
  return got.stderr;
}

/** Writes a hostile file in a folder beside the machine (the listing check sees that folder, not its files). */
function hostile(db: string, name: string, content: string | Buffer): string {
  const dir = join(dirname(db), 'files');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

describe('hostile MetaBase.xml files', () => {
  test('entity expansion (billion laughs)', async ({ db }) => {
    await mb(db, 'init');
    const laughs = [
      '<?xml version="1.0"?>',
      '<!DOCTYPE lolz [',
      ' <!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 2} "${`&lol${i === 0 ? '' : i + 1};`.repeat(10)}">`),
      ']>',
      `<configuration><MBProperty>${KEY('ServerComment="&lol10;"')}</MBProperty></configuration>`,
    ].join('\n');
    await expectRefused(db, hostile(db, 'laughs.xml', laughs), /line 2, column 1: a DOCTYPE is not accepted/);
  });

  test('an external entity (XXE) reading a local file: never read, never stored', async ({ db }) => {
    await mb(db, 'init');
    const secret = hostile(db, 'secret.txt', 'CANARY-7f3a9c');
    const xxe = `<?xml version="1.0"?>\n<!DOCTYPE c [ <!ENTITY xxe SYSTEM "file://${secret}"> ]>\n${HEAD.split('\n').slice(1).join('\n')}${KEY('ServerComment="&xxe;"')}${TAIL}`;
    const message = await expectRefused(db, hostile(db, 'xxe.xml', xxe), /DOCTYPE is not accepted/);
    expect(message).not.toContain('CANARY');
    expect(readFileSync(db).includes('CANARY-7f3a9c')).toBe(false);
  });

  test('an external DTD, and an entity that was never declared', async ({ db }) => {
    await mb(db, 'init');
    await expectRefused(db, hostile(db, 'dtd.xml', `<?xml version="1.0"?>\n<!DOCTYPE configuration SYSTEM "http://127.0.0.1:9/metabase.dtd">\n<configuration/>\n`), /line 2, column 1: a DOCTYPE/);
    await expectRefused(db, hostile(db, 'entity.xml', `${HEAD}${KEY('ServerComment="&xxe;"')}${TAIL}`), /line 5, column \d+: undefined entity/);
  });

  test('a 100 MB attribute: refused after reading little more than the bound', async ({ db }) => {
    await mb(db, 'init');
    const file = hostile(db, 'huge.xml', '');
    const fd = openSync(file, 'w');
    writeSync(fd, `${HEAD}<IIsWebService\tLocation ="/LM/W3SVC"\n\t\tServerComment="`);
    const mib = Buffer.alloc(1024 * 1024, 'a');
    for (let i = 0; i < 100; i++) writeSync(fd, mib);
    writeSync(fd, `"\n\t>\n</IIsWebService>\n${TAIL}`);
    closeSync(fd);
    await expectRefused(db, file, /line 4, column \d+: more than 16 Mi characters without markup/);
  });

  test('invalid UTF-8, and a UTF-16 file cut in the middle of a character', async ({ db }) => {
    await mb(db, 'init');
    const bad = Buffer.concat([Buffer.from(`${HEAD}<IIsWebService Location="/LM/W3SVC" ServerComment="caf`), Buffer.from([0xc3, 0x28]), Buffer.from(`"/>\n${TAIL}`)]);
    await expectRefused(db, hostile(db, 'utf8.xml', bad), /line 4, column \d+: invalid UTF-8/);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${HEAD}${KEY('ServerComment="x"')}${TAIL}`, 'utf16le')]);
    await expectRefused(db, hostile(db, 'utf16.xml', utf16.subarray(0, utf16.length - 1)), /invalid UTF-16/);
  });

  test('a file cut off in the middle of an element, or of a value', async ({ db }) => {
    await mb(db, 'init');
    const whole = `${HEAD}${KEY('ServerComment="a"\n\t\tScriptMaps=".asp,C:\\\\asp.dll,5\n\t\t\t.aspx,C:\\\\aspnet_isapi.dll,1"')}${TAIL}`;
    await expectRefused(db, hostile(db, 'cut-element.xml', whole.slice(0, whole.indexOf('</IIsWebService>') + 5)), /line \d+, column \d+: .*nothing was imported/);
    await expectRefused(db, hostile(db, 'cut-value.xml', whole.slice(0, whole.indexOf('.aspx'))), /line \d+, column \d+:/);
  });

  test('not XML at all: binary bytes, an empty file, a folder, a missing file', async ({ db }) => {
    await mb(db, 'init');
    await expectRefused(db, hostile(db, 'random.xml', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256))), /random\.xml/);
    await expectRefused(db, hostile(db, 'empty.xml', ''), /empty\.xml/);
    const folder = join(dirname(hostile(db, 'x', '')), 'folder.xml');
    mkdirSync(folder);
    await expectRefused(db, folder, /not a file/);
    await expectRefused(db, join(folder, 'missing.xml'), /no such file/);
  });

  test('a hostile fragment imported with --at changes nothing either', async ({ db }) => {
    await mb(db, 'init');
    const fragment = `<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e "e">]>\n<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT/App" Path="&e;"></IIsWebVirtualDir>\n`;
    await expectRefused(db, hostile(db, 'fragment.xml', fragment), /DOCTYPE/, ['--at', 'W3SVC/1/ROOT/App']);
  });
});
