import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, onTestFinished } from 'vitest';
import { main } from '../../src/cli/metabase.js';
import { captureIo, tempDir } from '../support/console.js';
import { mb, regiis, test } from '../support/fixtures.js';

/**
 * Statements of metabase-cli.md that no other test pinned down, each tested where it is said.
 * Layouts the spec leaves to the implementation are matched by substring only (spec README).
 */

const NOW = '2026-01-01T00:00:00Z';
const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const hash = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

interface AuditEvent {
  kind: string;
  text: string;
}
const audit = async (db: string): Promise<AuditEvent[]> => JSON.parse((await mb(db, 'events', '--log', 'audit', '--json')).stdout) as AuditEvent[];

/** Writes files into a fresh folder; returns their paths. */
function files(contents: Record<string, string>): Record<string, string> {
  const dir = tempDir((fn) => onTestFinished(fn));
  const paths: Record<string, string> = {};
  for (const [name, text] of Object.entries(contents)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    paths[name] = path;
  }
  return paths;
}

describe('metabase-cli.md: the global options', () => {
  test('REGIIS_DB and REGIIS_NOW stand in for --db and --now, as for aspnet_regiis', async ({ db }) => {
    const io = captureIo({ REGIIS_DB: db, REGIIS_NOW: NOW });
    expect(await main(['init', '--profile', 'win2003-net20'], io)).toBe(0);
    expect(io.stdout()).toBe(`created ${db} from profile win2003-net20\n`);
    const save = captureIo({ REGIIS_DB: db, REGIIS_NOW: NOW });
    expect(await main(['snapshot', 'save', 'first'], save)).toBe(0);
    expect(save.stdout()).toBe('saved snapshot first (2026-01-01T00:00:00.000Z)\n');
    // --now on the command line is the clock too.
    expect((await mb(db, '--now', '2026-03-01T00:00:00Z', 'snapshot', 'save', 'second')).stdout).toBe('saved snapshot second (2026-03-01T00:00:00.000Z)\n');
  });

  test('every read command takes --json, prints JSON, and changes nothing', async ({ db }) => {
    await mb(db, 'init', '--profile', 'win2003-net20');
    await mb(db, 'vdir', 'add', 'W3SVC/1/ROOT/App', '--path', 'C:\\Inetpub\\App', '--app');
    await mb(db, 'snapshot', 'save', 'a');
    await regiis(db, '--framework', '1.1', '-s', 'W3SVC/1/ROOT/App');
    const before = hash(db);
    const reads = [
      ['profiles'],
      ['framework', 'list'],
      ['pool', 'list'],
      ['get', 'W3SVC/1/ROOT/App'],
      ['get', 'W3SVC/1/ROOT/App', 'ScriptMaps'],
      ['get', 'W3SVC/1/ROOT/App', 'Path'],
      ['files'],
      ['files', 'C:\\Inetpub'],
      ['tree'],
      ['check'],
      ['events'],
      ['events', '--log', 'audit'],
      ['diff', 'a'],
      ['snapshot', 'list'],
      ['export', 'W3SVC/1'],
      ['plan', '--', '-lk'],
    ];
    for (const args of reads) {
      const text = await mb(db, ...args);
      const json = await mb(db, '--json', ...args);
      expect(json.stderr, args.join(' ')).toBe('');
      expect(json.exit, args.join(' ')).toBe(text.exit);
      expect(() => JSON.parse(json.stdout), args.join(' ')).not.toThrow();
      expect(json.stdout, args.join(' ')).not.toBe(text.stdout);
    }
    expect(hash(db)).toBe(before);
    // A single-valued property is its value; a MULTISZ one an array (tested elsewhere).
    expect(JSON.parse((await mb(db, '--json', 'get', 'W3SVC/1/ROOT/App', 'Path')).stdout)).toBe('C:\\Inetpub\\App');
  });
});

describe('metabase-cli.md: every command that writes leaves an audit event', () => {
  test('building commands, raw access, files, runtime and snapshots', async ({ db }) => {
    await mb(db, 'init', '--profile', 'win2003-net20');
    const fragment = join(FIXTURES, 'iis6-fragment-intranet.xml');
    const writes = [
      ['site', 'add', 'Shop', '--id', '7', '--path', 'C:\\Sites\\Shop'],
      ['vdir', 'add', 'W3SVC/1/ROOT/App', '--path', 'C:\\Inetpub\\App'],
      ['app', 'create', 'W3SVC/1/ROOT/App'],
      ['pool', 'add', 'P2'],
      ['pool', 'assign', 'W3SVC/1/ROOT/App', 'P2'],
      ['app', 'delete', 'W3SVC/1/ROOT/App'],
      ['mode', 'iis6-iis5-isolation'],
      ['mode', 'iis6'],
      ['framework', 'install', '4.0'],
      ['framework', 'break', '4.0'],
      ['framework', 'uninstall', '4.0'],
      ['set', 'W3SVC/1/ROOT/App', 'MyCustom', 'x'],
      ['create', 'W3SVC/1/ROOT/App/img', '--type', 'IIsWebDirectory'],
      ['delete', 'W3SVC/1/ROOT/App/img'],
      ['files', 'mkdir', 'C:\\Data'],
      ['files', 'rm', 'C:\\Data'],
      ['import', fragment, '--at', 'W3SVC/5'],
      ['iisreset'],
      ['recycle', 'DefaultAppPool'],
      ['snapshot', 'save', 's'],
      ['snapshot', 'restore', 's'],
      ['snapshot', 'delete', 's'],
    ];
    for (const args of writes) {
      const count = (await audit(db)).length;
      const got = await mb(db, ...args);
      expect(got.exit, `${args.join(' ')}: ${got.stderr}`).toBe(0);
      const after = await audit(db);
      expect(after.length, args.join(' ')).toBeGreaterThan(count);
      expect(after.slice(count).map((e) => e.text).join('\n'), args.join(' ')).toContain(`metabase --db ${db} ${args.join(' ')}`);
    }
  });

  test('init and a whole import start the audit log of the machine they make', async ({ db }) => {
    await mb(db, 'init', '--profile', 'win2000');
    expect((await audit(db)).map((e) => e.text)).toContain('machine created from profile win2000');
    await mb(db, 'import', join(FIXTURES, 'iis6-full.xml'));
    expect((await audit(db)).map((e) => e.text).join('\n')).toContain(`import ${join(FIXTURES, 'iis6-full.xml')}`);
  });
});

describe('metabase-cli.md: building a machine', () => {
  test('profiles lists the profiles with one line each', async ({ db }) => {
    const lines = (await mb(db, 'profiles')).stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(['win2003', 'win2003-net20', 'win2003-net40', 'win2000', 'iis6-bare']);
  });

  test('import of a whole MetaBase.xml replaces the metabase', async ({ db }) => {
    await mb(db, 'vdir', 'add', 'W3SVC/1/ROOT/Mine', '--path', 'C:\\Inetpub\\Mine');
    expect((await mb(db, 'import', join(FIXTURES, 'iis6-full.xml'))).exit).toBe(0);
    expect(await mb(db, 'get', 'W3SVC/1/ROOT/Mine')).toMatchObject({ exit: 1, stderr: expect.stringContaining('no such key') });
  });

  test('import of a fragment lands at --at, by default where it was exported from, and changes nothing else', async ({ db }) => {
    await mb(db, 'init', '--profile', 'win2003-net20');
    const before = (await mb(db, 'export', 'W3SVC/1')).stdout;
    const fragment = join(FIXTURES, 'iis6-fragment-intranet.xml');
    expect((await mb(db, 'import', fragment)).stdout).toBe(`imported ${fragment}: added at W3SVC/1234567, 4 keys, 15 properties\n`);
    expect((await mb(db, 'import', fragment, '--at', 'W3SVC/5')).exit).toBe(0);
    expect((await mb(db, 'tree', 'W3SVC/5', '--depth', '0')).stdout).toMatch(/^\/LM\/W3SVC\/5 {2}IIsWebServer/);
    expect((await mb(db, 'export', 'W3SVC/1')).stdout).toBe(before);
  });

  test('site add: the next free id when none is given; --pool is the ROOT application\'s pool', async ({ db }) => {
    await mb(db, 'init', '--profile', 'win2003-net20');
    await mb(db, 'pool', 'add', 'Shops');
    expect((await mb(db, 'site', 'add', 'Three', '--id', '3')).stdout).toBe('added site W3SVC/3\n');
    // The next id is one above the highest in use.
    expect((await mb(db, 'site', 'add', 'Shop', '--pool', 'Shops', '--bindings', ':8080:')).stdout).toBe('added site W3SVC/4\n');
    expect((await mb(db, 'get', 'W3SVC/4', 'ServerComment')).stdout).toBe('Shop\n');
    expect((await mb(db, 'get', 'W3SVC/4/ROOT')).stdout).toContain('AppPoolId = Shops\n');
    expect((await mb(db, 'tree', 'W3SVC/4', '--depth', '1')).stdout).toContain('ROOT  IIsWebVirtualDir  [application]  pool Shops (explicit)');
    expect((await mb(db, 'request', 'http://localhost:8080/default.aspx')).stdout).toBe('200 served by ASP.NET 2.0.50727 in w3wp.exe (pool Shops)\n');
  });

  test('vdir add makes an IIsWebVirtualDir and its directory; --app makes it an application; files rm breaks it', async ({ db }) => {
    await mb(db, 'init', '--profile', 'win2003-net20');
    await mb(db, 'vdir', 'add', 'W3SVC/1/ROOT/Plain', '--path', 'C:\\Sites\\Plain');
    await mb(db, 'vdir', 'add', 'W3SVC/1/ROOT/App', '--path', 'C:\\Sites\\App', '--app');
    expect(JSON.parse((await mb(db, '--json', 'files', 'C:\\Sites')).stdout)).toEqual(['C:\\Sites', 'C:\\Sites\\App', 'C:\\Sites\\Plain']);
    const tree = (await mb(db, 'tree', 'W3SVC/1/ROOT')).stdout;
    expect(tree).toMatch(/ {2}App {2}IIsWebVirtualDir {2}\[application\]/);
    expect(tree).toMatch(/ {2}Plain {2}IIsWebVirtualDir {2}ASP/);
    expect((await mb(db, 'get', 'W3SVC/1/ROOT/Plain', 'AppRoot')).stdout).toBe('/LM/W3SVC/1/ROOT\n');
    expect((await mb(db, 'request', 'http://localhost/App/x.aspx')).stdout).toMatch(/^200 /);
    await mb(db, 'files', 'rm', 'C:\\Sites\\App');
    expect((await mb(db, 'request', 'http://localhost/App/x.aspx')).stdout).toMatch(/^404 /);
  });

  test('framework install: the root gets V only when no ASP.NET is mapped anywhere, never with --noaspupgrade (machine.md §8)', async ({ db }) => {
    await mb(db, 'init', '--profile', 'iis6-bare');
    expect((await mb(db, 'framework', 'install', '2.0', '--noaspupgrade')).exit).toBe(0);
    expect((await regiis(db, '-lk')).stdout).toBe('');
    expect((await regiis(db, '-lv')).stdout).toContain('2.0.50727.0\tValid');
    await mb(db, 'init', '--profile', 'iis6-bare', '--force');
    expect((await mb(db, 'framework', 'install', '2.0')).exit).toBe(0);
    expect((await regiis(db, '-lk')).stdout).toBe('W3SVC/\t2.0.50727.0\n');
    // Setup of 2.0 leaves a 1.1 root where it is.
    await mb(db, 'init', '--force');
    expect((await mb(db, 'framework', 'install', '2.0')).exit).toBe(0);
    expect((await regiis(db, '-lk')).stdout).toBe('W3SVC/\t1.1.4322.0\n');
  });

  test('get PATH PROP of a MULTISZ prints one entry a line, held or inherited', async ({ db }) => {
    await mb(db, 'vdir', 'add', 'W3SVC/1/ROOT/App', '--path', 'C:\\Inetpub\\App');
    await mb(db, 'set', 'W3SVC/1/ROOT', 'HttpCustomHeaders', 'X-A: 1', 'X-B: 2');
    expect((await mb(db, 'get', 'W3SVC/1/ROOT/App', 'HttpCustomHeaders')).stdout).toBe('X-A: 1\nX-B: 2\n');
  });
});

describe('metabase-cli.md: looking at it', () => {
  test('check: an application on a prohibited Web Service Extension is an error, as the 404.2 of request shows', async ({ db }) => {
    await mb(db, 'init', '--profile', 'win2003-net40');
    await mb(db, 'vdir', 'add', 'W3SVC/1/ROOT/New', '--path', 'C:\\Inetpub\\New', '--app');
    await mb(db, 'pool', 'add', 'Net4');
    await mb(db, 'pool', 'assign', 'W3SVC/1/ROOT/New', 'Net4');
    await regiis(db, '--framework', '4.0', '-s', 'W3SVC/1/ROOT/New');
    const got = await mb(db, 'check');
    expect(got.exit).toBe(1);
    expect(got.stdout).toMatch(/^error +[\w-]+: .*ASP\.NET v4\.0\.30319 is prohibited.*404\.2/m);
    expect((await mb(db, 'request', 'http://localhost/New/x.aspx')).stdout).toBe('404.2 Web Service Extension ASP.NET v4.0.30319 is prohibited\n');
  });

  test('check: a mixed ScriptMaps list is a warning (exit 0, 1 with --strict)', async ({ db }) => {
    await mb(db, 'init', '--profile', 'win2003-net20');
    await mb(db, 'vdir', 'add', 'W3SVC/1/ROOT/Mix', '--path', 'C:\\Inetpub\\Mix', '--app');
    await mb(db, 'set', 'W3SVC/1/ROOT/Mix', 'ScriptMaps', '.aspx,C:\\WINDOWS\\Microsoft.NET\\Framework\\v1.1.4322\\aspnet_isapi.dll,1,GET,HEAD,POST,DEBUG', '.ashx,C:\\WINDOWS\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_isapi.dll,1,GET,HEAD,POST,DEBUG');
    const got = await mb(db, 'check');
    expect(got.stdout).toMatch(/^warning +[\w-]+: .*W3SVC\/1\/ROOT\/Mix/m);
    expect(got.stdout).not.toMatch(/^error/m);
    expect(got.exit).toBe(0);
    expect((await mb(db, 'check', '--strict')).exit).toBe(1);
    const json = JSON.parse((await mb(db, '--json', 'check')).stdout) as { severity: string; keys: string[]; fix: string }[];
    expect(json.some((f) => f.severity === 'warning' && f.keys.some((k) => k.includes('W3SVC/1/ROOT/Mix')) && f.fix.length > 0)).toBe(true);
  });

  test('events: the application log when --log is not given; each line holds time, source, ID, type and full text', async ({ db }) => {
    await regiis(db, '--now', NOW, '-i');
    const plain = await mb(db, 'events');
    expect(plain).toEqual(await mb(db, 'events', '--log', 'application'));
    expect(plain.stdout).not.toContain('machine created');
    const line = plain.stdout.split('\n').find((l) => l.includes('1023'))!;
    for (const part of ['2026-01-01T00:00:00', 'W3SVC', '1023', 'Information', 'Restarting W3SVC']) expect(line).toContain(part);
    const long = plain.stdout.split('\n').find((l) => l.includes('1019'))!;
    expect(long).toContain('Finish registering ASP.NET (version 1.1.4322.0). Detailed registration logs can be found in C:\\DOCUME~1\\ADMINI~1\\LOCALS~1\\Temp\\ASPNETSetup_00000.log');
    expect((await mb(db, 'events', '--log', 'system')).exit).toBe(1);
  });
});

describe('metabase-cli.md: playbooks', () => {
  test('batch: CREATE, CREATE_VSERV, GET through adsutil.vbs; %SystemRoot%; :: comments; a bare aspnet_regiis', async ({ db }) => {
    await mb(db, 'init', '--profile', 'win2003-net20');
    const f = files({
      'b.cmd': [
        ':: a comment',
        'cscript //nologo %SystemRoot%\\system32\\adsutil.vbs CREATE_VSERV W3SVC/9',
        'cscript adsutil.vbs CREATE W3SVC/9/ROOT IIsWebVirtualDir',
        'cscript adsutil.vbs SET W3SVC/9/ServerComment Nine',
        'cscript adsutil.vbs GET W3SVC/9/ServerComment',
        'aspnet_regiis -lk',
      ].join('\r\n'),
    });
    const got = await mb(db, 'play', f['b.cmd']!);
    expect(got.exit, got.stdout).toBe(0);
    expect(got.stdout).toContain('ok   line 5: cscript adsutil.vbs GET W3SVC/9/ServerComment\n');
    expect(got.stdout).toContain('ok   line 6: aspnet_regiis -lk\n');
    expect((await mb(db, 'get', 'W3SVC/9', 'ServerComment')).stdout).toBe('Nine\n');
    expect((await mb(db, 'tree', 'W3SVC/9')).stdout).toMatch(/^\/LM\/W3SVC\/9 {2}IIsWebServer.*\n {2}ROOT {2}IIsWebVirtualDir/);
  });

  test('scenario: a step with no expect must exit 0; exit is checked only when given', async ({ db }) => {
    const f = files({
      's.yaml': [
        'steps:',
        '  - run: aspnet_regiis -k W3SVC/9',
        '  - run: aspnet_regiis -k W3SVC/9',
        '    expect: { stdout_contains: ["W3SVC/9"] }',
        '  - run: aspnet_regiis -k W3SVC/9',
        '    expect: { exit: 1 }',
      ].join('\n'),
    });
    const got = await mb(db, 'play', f['s.yaml']!);
    expect(got.exit).toBe(1);
    expect(got.stdout).toContain('FAIL step 1: aspnet_regiis -k W3SVC/9\n');
    expect(got.stdout).toContain('ok   step 2: aspnet_regiis -k W3SVC/9\n');
    expect(got.stdout).toContain('ok   step 3: aspnet_regiis -k W3SVC/9\n');
    expect(got.stdout.endsWith('2 passed, 1 failed\n')).toBe(true);
  });

  test('scenario: run words split at spaces, quotes group, backslashes are literal, "" is one quote', async ({ db }) => {
    const f = files({
      's.yaml': [
        'steps:',
        `  - run: 'metabase set W3SVC/1/ROOT MyCustom "C:\\a b\\ ""q"" \\n"'`,
        '  - run: metabase get W3SVC/1/ROOT MyCustom',
        `    expect: { stdout: "C:\\\\a b\\\\ \\"q\\" \\\\n\\n" }`,
      ].join('\n'),
    });
    const got = await mb(db, 'play', f['s.yaml']!);
    expect(got.exit, got.stdout).toBe(0);
  });

  test('scenario: versions are three-part, the highest if mixed, none without ASP.NET', async ({ db }) => {
    const f = files({
      's.yaml': [
        'machine: { profile: win2003-net20 }',
        'steps:',
        '  - run: metabase vdir add W3SVC/1/ROOT/Mix --path C:\\Mix',
        '  - run: metabase set W3SVC/1/ROOT/Mix ScriptMaps .aspx,C:\\WINDOWS\\Microsoft.NET\\Framework\\v1.1.4322\\aspnet_isapi.dll,1 .ashx,C:\\WINDOWS\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_isapi.dll,1',
        '  - run: metabase vdir add W3SVC/1/ROOT/None --path C:\\None',
        '  - run: metabase set W3SVC/1/ROOT/None ScriptMaps .asp,C:\\WINDOWS\\system32\\inetsrv\\asp.dll,5',
        '  - expect: { versions: { W3SVC/1/ROOT/Mix: 2.0.50727, W3SVC/1/ROOT/None: none, w3svc/1/root/mix/sub: 2.0.50727 } }',
      ].join('\n'),
    });
    const got = await mb(db, 'play', f['s.yaml']!);
    expect(got.exit).toBe(1);
    // A key that does not exist fails the step, even below a key that does.
    expect(got.stdout).toContain('versions: key w3svc/1/root/mix/sub does not exist');
    expect(got.stdout).not.toContain('is on');
  });

  test('scenario: machine: { import: } is relative to the YAML file', async ({ db }) => {
    const f = files({
      'sub/s.yaml': ['machine: { import: ../xml/MetaBase.xml }', 'steps:', '  - run: aspnet_regiis -lk', '    expect: { stdout_contains: ["W3SVC/3/ROOT/Old/\\t1.1.4322.0"] }'].join('\n'),
    });
    const xml = join(dirname(f['sub/s.yaml']!), '..', 'xml', 'MetaBase.xml');
    mkdirSync(dirname(xml), { recursive: true });
    copyFileSync(join(FIXTURES, 'iis6-full.xml'), xml);
    const got = await mb(db, 'play', f['sub/s.yaml']!);
    expect(got.exit, got.stdout).toBe(0);
    expect(got.stdout.endsWith('1 passed, 0 failed\n')).toBe(true);
  });
});

describe('metabase-cli.md: site add picks a free id', () => {
  test('a numbered key that is not a web server still takes its id', async ({ db }) => {
    await mb(db, 'init', '--profile', 'win2003-net20');
    expect((await mb(db, 'create', 'W3SVC/2')).exit).toBe(0);
    const got = await mb(db, 'site', 'add', 'Shop');
    expect(got).toMatchObject({ exit: 0, stdout: 'added site W3SVC/3\n' });
  });
});

describe('metabase-cli.md: exit codes and odd corners', () => {
  test('init without --profile makes the default machine (win2003)', async ({ db }) => {
    expect(await mb(db, 'init')).toEqual({ exit: 0, stdout: `created ${db} from profile win2003\n`, stderr: '' });
  });

  test('usage errors are exit 1 with one line on stderr, nothing on stdout, nothing changed', async ({ db }) => {
    await mb(db, 'init');
    const before = hash(db);
    for (const args of [
      ['vdir', 'add', 'W3SVC/1/ROOT/X'],
      ['site', 'add'],
      ['get'],
      ['tree', '--bogus'],
      ['events', '--id', 'x'],
      ['snapshot', 'save'],
      ['recycle'],
      ['mode'],
      ['framework', 'install'],
    ]) {
      const got = await mb(db, ...args);
      expect(got.exit, args.join(' ')).toBe(1);
      expect(got.stdout, args.join(' ')).toBe('');
      expect(got.stderr.trim().split('\n'), `${args.join(' ')}: ${got.stderr}`).toHaveLength(1);
    }
    expect(hash(db)).toBe(before);
  });

  test('framework break: check reports the application whose files are missing as an error, exit 1', async ({ db }) => {
    await mb(db, 'init', '--profile', 'win2003-net20');
    expect((await mb(db, 'check')).exit).toBe(0);
    await mb(db, 'framework', 'break', '2.0');
    const got = await mb(db, 'check');
    expect(got.exit).toBe(1);
    expect(got.stdout).toMatch(/^error +[\w-]+: .*2\.0\.50727/m);
  });
});
