import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect } from 'vitest';
import { main } from '../../src/cli/metabase.js';
import { PROGRESS_DELAY_MS, progress, progressLine } from '../../src/cli/format/progress.js';
import { captureIo } from '../support/console.js';
import { dump } from '../support/dump.js';
import { mb, regiis, test } from '../support/fixtures.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const fixture = (name: string): string => join(FIXTURES, name);

describe('metabase import / export / tree (in-process, real SQLite file)', () => {
  test('import a whole MetaBase.xml, export it again byte for byte, to a file or stdout', async ({ db }) => {
    const imported = await mb(db, 'import', fixture('iis6-full.xml'));
    expect(imported).toMatchObject({ exit: 0, stderr: '' });
    expect(imported.stdout).toBe(`imported ${fixture('iis6-full.xml')}: the metabase was replaced, 31 keys, 133 properties; registered ASP.NET 2.0.50727, 4.0.30319\n`);
    const out = join(dirname(db), 'MetaBase.xml');
    expect(await mb(db, 'export', '--out', out)).toMatchObject({ exit: 0, stdout: `exported 31 keys to ${out}\n` });
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(fixture('iis6-full.xml'), 'utf8'));
    expect((await mb(db, 'export')).stdout).toBe(readFileSync(fixture('iis6-full.xml'), 'utf8'));
  });

  test('the imported server is one aspnet_regiis works on', async ({ db }) => {
    await mb(db, 'import', fixture('iis6-full.xml'));
    const lk = await regiis(db, '-lk');
    expect(lk.exit).toBe(0);
    expect(lk.stdout).toContain('W3SVC/3/ROOT/Old/\t1.1.4322.0');
    expect(lk.stdout).toContain('W3SVC/1234567/ROOT/Reports/\t4.0.30319.0');
  });

  test('export refuses to overwrite a file without --force, and a failed export leaves it as it was', async ({ db }) => {
    const out = join(dirname(db), 'out.xml');
    writeFileSync(out, 'precious');
    const refused = await mb(db, 'export', '--out', out);
    expect(refused).toMatchObject({ exit: 1, stderr: `metabase: ${out} already exists; use --force to overwrite it\n` });
    expect(readFileSync(out, 'utf8')).toBe('precious');
    expect((await mb(db, 'export', 'W3SVC/42', '--out', out, '--force')).stderr).toBe('metabase: W3SVC/42: no such key in the metabase\n');
    expect(readFileSync(out, 'utf8')).toBe('precious');
    expect(readdirSync(dirname(db)).filter((name) => name.endsWith('.partial'))).toEqual([]);
    expect((await mb(db, 'export', 'W3SVC/1', '--out', out, '--force')).exit).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^<\?xml version ="1.0"\?>\r\n<configuration xmlns="urn:microsoft-catalog:XML_Metabase_V64_0">\r\n<MBProperty>\r\n<IIsWebServer\tLocation ="\/LM\/W3SVC\/1"\r\n/);
  });

  test('export --inherited writes what PATH inherits; --json wraps stdout output', async ({ db }) => {
    const plain = (await mb(db, 'export', 'W3SVC/1/ROOT')).stdout;
    const inherited = (await mb(db, 'export', 'W3SVC/1/ROOT', '--inherited')).stdout;
    expect(plain).not.toContain('ScriptMaps=');
    expect(inherited).toContain('\t\tScriptMaps=".asp,');
    const json = JSON.parse((await mb(db, 'export', 'W3SVC/1/ROOT', '--json')).stdout) as { keys: number; xml: string };
    expect(json).toEqual({ keys: 1, xml: plain });
  });

  test('import a fragment at --at; tree shows it with applications, pools and versions', async ({ db }) => {
    await mb(db, 'init', '--profile', 'win2003-net20');
    const imported = await mb(db, 'import', fixture('iis6-fragment-intranet.xml'), '--at', 'W3SVC/5');
    expect(imported.stdout).toBe(`imported ${fixture('iis6-fragment-intranet.xml')}: added at W3SVC/5, 4 keys, 15 properties\n`);
    expect((await mb(db, 'tree', 'W3SVC/5', '--depth', '1')).stdout).toBe(
      [
        '/LM/W3SVC/5  IIsWebServer  ASP.NET 2.0.50727 (inherited)',
        '  ROOT  IIsWebVirtualDir  [application]  pool DefaultAppPool (explicit)  ASP.NET 2.0.50727 (explicit)',
        '    … 2 keys below',
        '',
      ].join('\n'),
    );
    const nodes = JSON.parse((await mb(db, 'tree', 'W3SVC/5/ROOT/Reports', '--json')).stdout) as { path: string; application: boolean; pool: unknown }[];
    expect(nodes.map((n) => [n.path, n.application, n.pool])).toEqual([
      ['/LM/W3SVC/5/ROOT/Reports', true, { name: 'DefaultAppPool', explicit: false }],
      ['/LM/W3SVC/5/ROOT/Reports/Archive', false, undefined],
    ]);
    const audit = (await mb(db, 'events', '--log', 'audit')).stdout;
    expect(audit).toContain(`metabase --db ${db} import ${fixture('iis6-fragment-intranet.xml')} --at W3SVC/5`);
  });

  test('tree of the whole machine, and its refusals', async ({ db }) => {
    const tree = (await mb(db, 'tree')).stdout.split('\n');
    expect(tree[0]).toBe('/LM  IIsComputer');
    expect(tree[1]).toBe('  W3SVC  IIsWebService  pool DefaultAppPool (explicit)  ASP.NET 1.1.4322 (explicit)');
    expect((await mb(db, 'tree', 'W3SVC/99')).stderr).toBe('metabase: W3SVC/99: no such key in the metabase\n');
    expect((await mb(db, 'tree', '--depth', '-1')).stderr).toContain('--depth: a whole number');
    expect((await mb(db, 'tree', '--depth', 'x')).exit).toBe(1);
  });

  test('a malformed file: one line naming the line and column, exit 1, not a row changed', async ({ db }) => {
    await mb(db, 'tree', '--depth', '0');
    const before = dump(db);
    for (const name of ['hostile/truncated.xml', 'hostile/billion-laughs.xml', 'hostile/invalid-utf8.xml']) {
      const out = await mb(db, 'import', fixture(name));
      expect(out.exit, name).toBe(1);
      expect(out.stderr, name).toMatch(/^metabase: .*: line \d+, column \d+: .*; nothing was imported\n$/);
    }
    expect((await mb(db, 'import', join(dirname(db), 'nope.xml'))).stderr).toContain('no such file');
    expect((await mb(db, 'import', fixture('iis6-full.xml'), '--at', 'W3SVC/5')).stderr).toContain('whole MetaBase.xml');
    expect(dump(db)).toBe(before);
  });

  test('--help lists the three commands', async ({ db }) => {
    const help = (await mb(db, '--help')).stdout;
    for (const command of ['import <file>', 'export [path]', 'tree [path]']) expect(help).toContain(command);
  });

  test('no progress bar when stderr is not a terminal', async ({ db }) => {
    const io = captureIo();
    expect(await main(['--db', db, 'import', fixture('iis6-full.xml')], io)).toBe(0);
    expect(io.stderr()).toBe('');
    expect(existsSync(db)).toBe(true);
  });
});

describe('progress bar', () => {
  test('a frame shows the share done and the amounts', () => {
    expect(progressLine('import', 8_400_000, 27_100_000, 'bytes')).toBe('import  [#########.....................]  30%  8.4 MB / 27.1 MB');
    expect(progressLine('export', 100_002, 100_002, 'keys')).toBe(`export  [${'#'.repeat(30)}] 100%  100,002 keys / 100,002 keys`);
  });

  test('appears only on a terminal, only once the work has run a while, and is cleared at the end', () => {
    let time = 0;
    let written = '';
    const bar = progress('import', 'bytes', true, (t) => (written += t), () => time);
    bar.update(1, 10);
    bar.finish();
    expect(written).toBe('');

    const slow = progress('import', 'bytes', true, (t) => (written += t), () => time);
    time = PROGRESS_DELAY_MS + 1;
    slow.update(5_000_000, 10_000_000);
    slow.update(6_000_000, 10_000_000);
    slow.finish();
    expect(written).toBe(`\r${progressLine('import', 5_000_000, 10_000_000, 'bytes')}\x1b[K\r\x1b[K`);

    written = '';
    const piped = progress('import', 'bytes', false, (t) => (written += t), () => time);
    time += 10_000;
    piped.update(1, 2);
    piped.finish();
    expect(written).toBe('');
  });

  test('a server installed under D:\\WINDOWS keeps its Windows folder: the tool writes D:\\ paths and no second extension', async ({ db }) => {
    const file = join(dirname(db), 'd-drive.xml');
    writeFileSync(file, readFileSync(fixture('iis6-full.xml'), 'utf8').replaceAll('C:\\WINDOWS', 'D:\\WINDOWS'));
    expect((await mb(db, 'import', file)).exit).toBe(0);
    expect((await regiis(db, '--framework', '1.1', '-lv')).stdout).toContain('1.1.4322.0\tValid\t\tD:\\WINDOWS\\Microsoft.NET\\Framework\\v1.1.4322\\aspnet_isapi.dll');
    expect((await regiis(db, '--framework', '2.0', '-ir')).exit).toBe(0);
    const extensions = JSON.parse((await mb(db, 'get', 'W3SVC', 'WebSvcExtRestrictionList', '--json')).stdout) as string[];
    expect(extensions.filter((e) => e.includes('v2.0.50727'))).toEqual([
      '1,D:\\WINDOWS\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_isapi.dll,0,ASP.NET v2.0.50727,ASP.NET v2.0.50727',
    ]);
    expect(extensions.some((e) => e.includes('C:\\WINDOWS'))).toBe(false);
  });
});
