import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SaxesParser } from 'saxes';
import { describe, expect, onTestFinished } from 'vitest';
import { run, tempDir } from '../support/console.js';
import { mb, regiis, test } from '../support/fixtures.js';

const hash = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Writes playbook files into a fresh folder; returns their paths. */
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

const UPGRADE = [
  '@echo off',
  'rem Move App to 2.0, the way the runbook says',
  'set APP=W3SVC/1/ROOT/App',
  'echo Upgrading %APP%',
  'cscript //nologo %SystemDrive%\\Inetpub\\AdminScripts\\adsutil.vbs CREATE_VDIR %APP%',
  'cscript //nologo adsutil.vbs SET %APP%/Path "C:\\Inetpub\\App"',
  'cscript //nologo adsutil.vbs APPCREATEPOOLPROC %APP%',
  '%windir%\\Microsoft.NET\\Framework64\\v2.0.50727\\aspnet_regiis.exe -s %APP%',
  'aspnet_regiis -s W3SVC/1/ROOT/Nope',
  'iisreset /noforce',
  'pause',
  'exit /b 0',
  'this line is never reached',
].join('\r\n');

describe('metabase play: batch playbooks', () => {
  test('run on the --db machine line by line, every line even after one fails; each failing line reported, exit 1', async ({ db }) => {
    await mb(db, 'init', '--profile', 'win2003-net20');
    const { 'upgrade.cmd': cmd } = files({ 'upgrade.cmd': UPGRADE });
    const got = await mb(db, 'play', cmd!);
    expect(got.exit).toBe(1);
    expect(got.stdout).toContain('       Upgrading W3SVC/1/ROOT/App\n');
    expect(got.stdout).toContain('ok   line 8: %windir%\\Microsoft.NET\\Framework64\\v2.0.50727\\aspnet_regiis.exe -s %APP%\n');
    expect(got.stdout).toContain('FAIL line 9: aspnet_regiis -s W3SVC/1/ROOT/Nope\n       exited 1\n');
    expect(got.stdout).toContain('ok   line 10: iisreset /noforce\n');
    expect(got.stdout.endsWith('5 passed, 1 failed\n')).toBe(true);
    expect((await regiis(db, '-lk')).stdout).toBe('W3SVC/\t2.0.50727.0\nW3SVC/1/ROOT/App/\t2.0.50727.0\n');
    expect((await mb(db, 'get', 'W3SVC/1/ROOT/App', 'AppRoot')).stdout).toBe('/LM/W3SVC/1/ROOT/App\n');
    const audit = (await mb(db, 'events', '--log', 'audit')).stdout;
    expect(audit).toContain('cscript adsutil.vbs CREATE_VDIR W3SVC/1/ROOT/App');
    expect(audit).toMatch(/command +metabase .*iisreset/);
  });

  test('framework installers and exit /b N', async ({ db }) => {
    await mb(db, 'init', '--profile', 'iis6-bare');
    const { 'setup.bat': bat } = files({ 'setup.bat': 'NET11\\dotnetfx.exe /q:a /c:"install /noaspupgrade"\nNETFX20\\dotnetfx.exe /q:a\nexit /b 3\n' });
    const got = await mb(db, 'play', bat!);
    expect(got.stdout).toContain('FAIL line 3: exit /b 3\n       the batch exits with 3');
    expect(got.exit).toBe(1);
    expect((await regiis(db, '-lv')).stdout).toContain('2.0.50727.0\tValid (Root)');
    expect((await regiis(db, '-lk')).stdout).toBe('W3SVC/\t2.0.50727.0\n');
  });

  test('a line that is not emulated refuses the batch before anything runs; --keep-going skips it with a warning', async ({ db }) => {
    await mb(db, 'init');
    const { 'x.cmd': cmd } = files({ 'x.cmd': 'aspnet_regiis -ua\nnet stop w3svc\naspnet_regiis -lk > keys.txt\n' });
    const before = hash(db);
    const refused = await mb(db, 'play', cmd!);
    expect(refused.exit).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(`${cmd}:2: the command net is not emulated: net stop w3svc (--keep-going skips such lines)`);
    expect(refused.stderr).toContain(`${cmd}:3: redirection to a file (>keys.txt) is not emulated`);
    expect(hash(db)).toBe(before);

    const kept = await mb(db, 'play', '--keep-going', cmd!);
    expect(kept.exit).toBe(0);
    expect(kept.stdout).toContain('skip line 2: net stop w3svc\n       warning: skipped: the command net is not emulated');
    expect(kept.stdout.endsWith('1 passed, 0 failed, 2 skipped\n')).toBe(true);
    expect((await regiis(db, '-lv')).stdout).toBe('Cannot find any installed version.\n');
  });
});

const SCENARIO = (extra = '') =>
  [
    'name: App to its own pool, then pinned to 1.1',
    'machine: { profile: win2003-net20 }',
    'steps:',
    '  - run: metabase vdir add W3SVC/1/ROOT/App --path C:\\Inetpub\\App --app',
    '  - run: metabase pool add AppPool2',
    '  - play: batches/pin.cmd',
    '  - run: aspnet_regiis -lk',
    '    expect:',
    '      stdout: "W3SVC/\\t2.0.50727.0\\nW3SVC/1/ROOT/App/\\t1.1.4322.0\\n"',
    '  - expect:',
    '      versions: { W3SVC/1/ROOT/App: 1.1.4322, W3SVC/1/ROOT: 2.0.50727, /LM/W3SVC/1/ROOT/App/: 1.1.4322 }',
    '      events: { contains: "Restarting W3SVC" }',
    extra,
  ].join('\n');

const PIN = 'cscript adsutil.vbs SET W3SVC/1/ROOT/App/AppPoolId AppPool2\r\n%windir%\\Microsoft.NET\\Framework\\v1.1.4322\\aspnet_regiis.exe -s W3SVC/1/ROOT/App\r\n';

describe('metabase play: scenarios', () => {
  test('run on their own machine, with play: relative to the YAML, and never touch the --db file', async ({ db }) => {
    const f = files({ 's.yaml': SCENARIO('idempotent: true\n'), 'batches/pin.cmd': PIN });
    await mb(db, 'init');
    const before = hash(db);
    const got = await mb(db, 'play', f['s.yaml']!);
    expect(got).toMatchObject({ exit: 0, stderr: '' });
    expect(got.stdout).toBe(
      [
        `${f['s.yaml']}: App to its own pool, then pinned to 1.1`,
        'ok   step 1: metabase vdir add W3SVC/1/ROOT/App --path C:\\Inetpub\\App --app',
        'ok   step 2: metabase pool add AppPool2',
        'ok   step 3: play batches/pin.cmd',
        'ok   step 4: aspnet_regiis -lk',
        'ok   step 5: expect versions, events',
        'ok   idempotent: every run and play step a second time',
        '6 passed, 0 failed',
        '',
      ].join('\n'),
    );
    expect(hash(db)).toBe(before);
  });

  test('a scenario alone does not even create the --db file; REGIIS_* variables are ignored', async ({ db }) => {
    const f = files({
      's.yaml': [
        'machine: { profile: win2003-net40 }',
        'steps:',
        '  - run: aspnet_regiis -lv',
        '    expect: { stdout_contains: ["4.0.30319.0"] }',
        '  - run: metabase events --log audit',
        '    expect: { stdout_not_contains: ["2001-01-01"] }',
      ].join('\n'),
    });
    const env = { REGIIS_DB: join(dirname(db), 'other.db'), REGIIS_FRAMEWORK: '1.1', REGIIS_NOW: '2001-01-01T00:00:00Z' };
    const got = await run('metabase', db, ['play', f['s.yaml']!], env);
    expect(got.exit, got.stdout + got.stderr).toBe(0);
    expect(existsSync(db)).toBe(false);
    expect(existsSync(env.REGIIS_DB)).toBe(false);
  });

  test('failures name the step and why; a failing batch step lists its failing lines', async ({ db }) => {
    const f = files({
      's.yaml': [
        'steps:',
        '  - run: aspnet_regiis -lk',
        '    expect: { stdout: "W3SVC/\\t2.0.50727.0\\n", stderr_contains: [nothing] }',
        '  - play: b.cmd',
        '  - expect: { versions: { W3SVC/1/ROOT/Nope: 1.1.4322, W3SVC/1/ROOT: 2.0.50727 } }',
      ].join('\n'),
      'b.cmd': 'aspnet_regiis -lk\naspnet_regiis -k W3SVC/9\n',
    });
    const got = await mb(db, 'play', f['s.yaml']!);
    expect(got.exit).toBe(1);
    expect(got.stdout).toContain('FAIL step 1: aspnet_regiis -lk\n       stdout line 1: expected "W3SVC/\\t2.0.50727.0", got "W3SVC/\\t1.1.4322.0"\n       stderr does not contain "nothing"\n       | W3SVC/\t1.1.4322.0\n');
    expect(got.stdout).toContain('FAIL step 2: play b.cmd\n       exited 1, expected 0\n       b.cmd line 2: aspnet_regiis -k W3SVC/9\n');
    expect(got.stdout).toContain('FAIL step 3: expect versions\n       versions: key W3SVC/1/ROOT/Nope does not exist\n       versions: W3SVC/1/ROOT is on 1.1.4322, expected 2.0.50727\n');
    expect(got.stdout.endsWith('0 passed, 3 failed\n')).toBe(true);
  });

  test('check and request expectations ask metabase check --json and metabase request', async ({ db }) => {
    const f = files({
      's.yaml': [
        'machine: { profile: win2003-net20 }',
        'steps:',
        '  - run: metabase vdir add W3SVC/1/ROOT/Legacy --path C:\\Inetpub\\Legacy --app',
        '  - run: aspnet_regiis --framework 1.1 -s W3SVC/1/ROOT/Legacy',
        '  - expect:',
        '      check: { errors: 1, warnings: 1 }',
        '      request: { url: "http://localhost/default.aspx", status: 200, clr: 2.0.50727 }',
        '  - expect: { request: { url: "http://localhost/Legacy/default.aspx", status: 503 } }',
        '  - expect:',
        '      check: { errors: 0 }',
        '      request: { url: "http://localhost/Legacy/x.aspx", status: 200, clr: 1.1.4322 }',
      ].join('\n'),
    });
    const got = await mb(db, 'play', f['s.yaml']!);
    expect(got.exit).toBe(1);
    expect(got.stdout).toContain('ok   step 3: expect check, request\nok   step 4: expect request\n');
    expect(got.stdout).toContain(
      [
        'FAIL step 5: expect check, request',
        '       check: 1 error, expected 0',
        '       request http://localhost/Legacy/x.aspx: got "503 Server Application Unavailable (event 1062: pool DefaultAppPool already runs CLR 2.0.50727)", expected status 200',
      ].join('\n'),
    );
    expect(got.stdout.endsWith('4 passed, 1 failed\n')).toBe(true);
  });

  test('idempotent: true fails when the second pass moves a script map', async ({ db }) => {
    const f = files({
      's.yaml': [
        'machine: { profile: win2003-net20 }',
        'steps:',
        '  - run: aspnet_regiis --framework 1.1 -sn W3SVC/1/ROOT/Late',
        '    expect: { exit: 1 }',
        '  - run: metabase vdir add W3SVC/1/ROOT/Late --path C:\\Late',
        'idempotent: true',
      ].join('\n'),
    });
    const got = await mb(db, 'play', f['s.yaml']!);
    expect(got.exit).toBe(1);
    expect(got.stdout).toContain('FAIL idempotent: every run and play step a second time\n       the second pass changed the ScriptMaps of /LM/W3SVC/1/ROOT/Late (it had none)\n');
  });

  test('machine: { snapshot: NAME } starts from a snapshot of the --db file, with fresh logs, leaving the file as it was', async ({ db }) => {
    await mb(db, 'init', '--profile', 'win2003-net20');
    await mb(db, 'vdir', 'add', 'W3SVC/1/ROOT/Old', '--path', 'C:\\Old', '--app');
    await regiis(db, '--framework', '1.1', '-s', 'W3SVC/1/ROOT/Old');
    await mb(db, 'snapshot', 'save', 'pinned');
    await regiis(db, '-ua');
    const before = hash(db);
    const f = files({
      's.yaml': [
        'machine: { snapshot: pinned }',
        'steps:',
        '  - expect: { versions: { W3SVC/1/ROOT/Old: 1.1.4322 } }',
        '  - run: metabase events --log audit',
        '    expect: { stdout_contains: ["machine created from snapshot pinned"], stdout_not_contains: ["-ua"] }',
        '  - run: metabase events',
        '    expect: { stdout: "" }',
      ].join('\n'),
      'missing.yaml': 'machine: { snapshot: nosuch }\nsteps:\n  - run: aspnet_regiis -lk\n',
    });
    const got = await mb(db, 'play', f['s.yaml']!);
    expect(got.exit, got.stdout).toBe(0);
    expect(hash(db)).toBe(before);
    const missing = await mb(db, 'play', f['missing.yaml']!);
    expect(missing.exit).toBe(1);
    expect(missing.stdout).toContain('FAIL machine: snapshot nosuch\n');
    expect(missing.stdout).toContain('no snapshot named nosuch');
  });

  test('--junit writes JUnit XML an XML reader accepts; --tap prints TAP; --json the results', async ({ db }) => {
    const f = files({
      'a.yaml': 'name: <ok> & fine\nsteps:\n  - run: aspnet_regiis -lk\n',
      'b.yaml': 'steps:\n  - run: aspnet_regiis -bogus\n',
    });
    const out = join(dirname(f['a.yaml']!), 'report.xml');
    const tap = await mb(db, 'play', '--tap', '--junit', out, f['a.yaml']!, f['b.yaml']!);
    expect(tap.exit).toBe(1);
    expect(tap.stdout.split('\n')).toEqual([
      'TAP version 13',
      `# ${f['a.yaml']}: <ok> & fine`,
      'ok 1 - step 1: aspnet_regiis -lk',
      `# ${f['b.yaml']}: b.yaml`,
      'not ok 2 - step 1: aspnet_regiis -bogus',
      '  ---',
      '  message: |',
      '    exited 1, expected 0',
      '    | Invalid arguments.',
      '  ...',
      '1..2',
      '# 1 passed, 1 failed',
      '',
    ]);
    const parser = new SaxesParser();
    const seen: { name: string; attributes: Record<string, unknown> }[] = [];
    parser.on('error', (error) => {
      throw error;
    });
    parser.on('opentag', (tag) => seen.push({ name: tag.name, attributes: tag.attributes }));
    parser.write(readFileSync(out, 'utf8')).close();
    expect(seen.map((t) => t.name)).toEqual(['testsuites', 'testsuite', 'testcase', 'testsuite', 'testcase', 'failure']);
    expect(seen[1]!.attributes).toMatchObject({ name: '<ok> & fine', tests: '1', failures: '0' });
    expect(seen[5]!.attributes).toMatchObject({ message: 'exited 1, expected 0' });

    const json = JSON.parse((await mb(db, '--json', 'play', f['a.yaml']!)).stdout);
    expect(json).toMatchObject({ passed: 1, failed: 0, skipped: 0, suites: [{ name: '<ok> & fine', cases: [{ status: 'passed' }] }] });
  });
});

describe('metabase play: bad input is refused with the file, the line and why; nothing runs', () => {
  const cases: [string, Record<string, string>, string][] = [
    ['malformed YAML', { 's.yaml': 'steps:\n  - run: "aspnet_regiis -lv\n' }, 's.yaml:3: Missing closing "quote'],
    ['an unknown step key', { 's.yaml': 'steps:\n  - run: aspnet_regiis -ua\n  - rnu: aspnet_regiis -lv\n' }, 's.yaml:3: step: unknown key "rnu"'],
    ['a snapshot name with path characters', { 's.yaml': 'machine: { snapshot: "a/b" }\nsteps:\n  - run: aspnet_regiis -ua\n' }, 's.yaml:1: machine: snapshot "a/b": a snapshot name cannot contain /'],
    ['a batch file that cannot be read', { 's.yaml': 'steps:\n  - run: aspnet_regiis -ua\n  - play: gone.cmd\n' }, 's.yaml:3: play: gone.cmd: cannot read it: no such file'],
    ['a MetaBase.xml that is not there', { 's.yaml': 'name: x\nmachine:\n  import: gone/MetaBase.xml\nsteps:\n  - run: aspnet_regiis -ua\n' }, 's.yaml:3: machine: import gone/MetaBase.xml: no such file'],
    ['a batch that is a folder', { 'dir.cmd/x': '' }, 'dir.cmd: cannot read it: a directory, not a file'],
    ['a binary batch', { 'bin.cmd': 'a\u0000b' }, 'bin.cmd: cannot read it: not a text file'],
  ];
  for (const [what, contents, message] of cases) {
    test(what, async ({ db }) => {
      await mb(db, 'init');
      const before = hash(db);
      const f = files(contents);
      const first = Object.keys(contents)[0]!;
      const dir = f[first]!.slice(0, -first.length - 1);
      const target = Object.keys(contents)[0]!.split('/')[0]!;
      // A good playbook given with the bad one does not run either.
      const ok = files({ 'fine.cmd': 'aspnet_regiis -ua\n' });
      const got = await mb(db, 'play', ok['fine.cmd']!, join(dir, target));
      expect(got.exit).toBe(1);
      expect(got.stdout).toBe('');
      expect(got.stderr).toContain(`metabase play: ${join(dir, message)}`);
      expect(got.stderr).toContain('metabase play: nothing was run (1 problem)');
      expect(hash(db)).toBe(before);
    });
  }
});
