import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { mb, regiis, test } from '../support/fixtures.js';
import { dump } from '../support/dump.js';

/**
 * A statement-by-statement audit of aspnet_regiis.md: each test names the statement it holds the program to.
 * Expected texts are written out from the spec, never computed with the program's own helpers.
 */

const NOW = '2026-03-04T05:06:07.000Z';
const BANNER = [
  'Microsoft (R) ASP.NET RegIIS version 4.0.30319.1',
  'Administration utility to install and uninstall ASP.NET on the local machine.',
  'Copyright (C) Microsoft Corporation.  All rights reserved.',
];
const INCOMPATIBLE = 'Some options specified are not compatible. Use aspnet_regiis /? to see all options.';
const lines = (...ls: string[]): string => ls.map((l) => `${l}\n`).join('');

interface EventRow {
  readonly time: string;
  readonly source: string;
  readonly event_id: number;
  readonly type: string;
  readonly text: string;
}

async function ok(p: Promise<{ exit: number; stderr: string; stdout: string }>): Promise<string> {
  const r = await p;
  expect(r.exit, r.stderr + r.stdout).toBe(0);
  return r.stdout;
}

const init = (db: string, profile: string) => ok(mb(db, 'init', '--profile', profile, '--force'));
const addApp = (db: string, path: string) => ok(mb(db, 'vdir', 'add', path, '--path', `C:\\Inetpub\\${path.split('/').pop()}`, '--app'));
const appEvents = async (db: string): Promise<EventRow[]> => JSON.parse(await ok(mb(db, 'events', '--json'))) as EventRow[];
const audit = async (db: string): Promise<string> => ok(mb(db, 'events', '--log', 'audit'));
/** The events a run added: the log after it minus the log before it. */
async function eventsOf(db: string, run: () => Promise<unknown>): Promise<EventRow[]> {
  const before = (await appEvents(db)).length;
  await run();
  return (await appEvents(db)).slice(before);
}
const brief = (events: readonly EventRow[]) => events.map((e) => [e.source, e.event_id, e.type, e.text]);
/** Expands TABs to 8-column stops, as a console shows them. */
function expandTabs(line: string): string {
  let out = '';
  for (const ch of line) out += ch === '\t' ? ' '.repeat(8 - (out.length % 8)) : ch;
  return out;
}

describe('emulator options', () => {
  test('--framework defaults to the highest installed framework', async ({ db }) => {
    await init(db, 'win2003-net40');
    expect((await regiis(db, '-lk')).stdout).toBe(lines(...BANNER, 'W3SVC/\t2.0.50727.0'));
    await mb(db, 'framework', 'uninstall', '4.0');
    expect(JSON.parse((await regiis(db, '--json', '-lk')).stdout).tool).toBe('2.0.50727');
  });

  test('--framework takes every form machine.md §3 names', async ({ db }) => {
    await init(db, 'win2003-net40');
    const forms: [string, string][] = [
      ['1.1', '1.1.4322'], ['2.0', '2.0.50727'], ['3.0', '2.0.50727'], ['3.5', '2.0.50727'], ['4', '4.0.30319'],
      ['4.0', '4.0.30319'], ['4.5', '4.0.30319'], ['4.8', '4.0.30319'], ['v2.0.50727', '2.0.50727'], ['2.0.50727', '2.0.50727'],
      ['2.0.50727.0', '2.0.50727'],
    ];
    for (const [typed, tool] of forms) expect(JSON.parse((await regiis(db, '--json', '--framework', typed, '-lk')).stdout).tool, typed).toBe(tool);
  });

  test('--now stamps the events of a run', async ({ db }) => {
    const events = await eventsOf(db, () => regiis(db, '--now', NOW, '-sn', 'W3SVC/1/ROOT'));
    expect(events.map((e) => e.time)).toEqual([NOW, NOW]);
  });

  test('--crlf ends every console line with CRLF, the banner included', async ({ db }) => {
    await init(db, 'win2003-net40');
    const out = await regiis(db, '--crlf', '-sn', 'W3SVC/1/ROOT');
    expect(out.stdout).toBe(
      [...BANNER, 'Start registering ASP.NET (4.0.30319.1) at W3SVC/1/ROOT.', 'Finished registering ASP.NET (4.0.30319.1) at W3SVC/1/ROOT.'].map((l) => `${l}\r\n`).join(''),
    );
  });

  test('--json answers for every option with the console lines it replaces', async ({ db }) => {
    await init(db, 'win2003-net40');
    await addApp(db, 'W3SVC/1/ROOT/App');
    const runs: string[][] = [
      ['-?'], ['-lv'], ['-lk'], ['-ir'], ['-iru'], ['-i'], ['-r'], ['-sn', 'W3SVC/1/ROOT/App'], ['-s', 'W3SVC/1/ROOT/App'],
      ['-kn', 'W3SVC/1/ROOT/App'], ['-k', 'W3SVC/1/ROOT/App'], ['-c'], ['-e'], ['-ea'], ['-ga', 'U'], ['-u'], ['-ua'],
    ];
    for (const words of runs) {
      const got = await regiis(db, '--json', '--framework', '2.0', ...words);
      const json = JSON.parse(got.stdout);
      expect(json.exitCode, words.join(' ')).toBe(0);
      expect(Array.isArray(json.stdout), words.join(' ')).toBe(true);
      if (!['-?', '-lv', '-lk'].includes(words[0]!)) expect(json.stdout[0], words.join(' ')).toMatch(/^Start /);
    }
  });

  test('--detailed-exitcode: a run that only restarts (-u of a version not registered, -ir again) is 0', async ({ db }) => {
    await mb(db, 'framework', 'install', '2.0', '--noaspupgrade');
    expect((await regiis(db, '--detailed-exitcode', '--framework', '1.1', '-ir')).exit).toBe(0);
    expect((await regiis(db, '--detailed-exitcode', '--framework', '2.0', '-u')).exit).toBe(2);
    expect((await regiis(db, '--detailed-exitcode', '--framework', '2.0', '-u')).exit).toBe(0);
    expect((await regiis(db, '--detailed-exitcode', '--what-if', '--framework', '2.0', '-u')).exit).toBe(0);
    expect((await regiis(db, '--detailed-exitcode', '--framework', '1.1', '-c')).exit).toBe(0);
  });
});

describe("the real tool's options", () => {
  test('the word after -s, -sn, -k, -kn and -ga is their argument, whatever it starts with', async ({ db }) => {
    for (const option of ['-s', '-sn', '-k', '-kn']) {
      const got = await regiis(db, option, '--json');
      expect(got.exit, option).toBe(1);
      expect(got.stdout, option).toContain('Installation stopped because the specified path (--json) is invalid.\n');
    }
    await init(db, 'win2003-net20');
    const got = await regiis(db, '-ga', '/u');
    expect(got).toMatchObject({
      exit: 0,
      stdout: lines('Start granting /u access to the IIS metabase and other directories used by ASP.NET.', 'Finished granting /u access to the IIS metabase and other directories used by ASP.NET.'),
    });
  });

  test('exactly one action per run', async ({ db }) => {
    for (const words of [['-lv', '-c'], ['-s', 'W3SVC', '-k', 'W3SVC'], ['-ga', 'U', '-e']]) {
      await init(db, 'win2003-net20');
      expect(await regiis(db, ...words), words.join(' ')).toMatchObject({ exit: 1, stdout: lines(INCOMPATIBLE) });
    }
  });

  test('-norestart combines with the ten restarting actions only', async ({ db }) => {
    await init(db, 'win2003-net20');
    for (const words of [['-c'], ['-e'], ['-ea'], ['-ga', 'U'], ['-lv'], ['-lk'], ['-?']]) {
      expect(await regiis(db, '-norestart', ...words), words.join(' ')).toMatchObject({ exit: 1, stdout: lines(INCOMPATIBLE) });
    }
    for (const words of [['-i'], ['-ir'], ['-iru'], ['-r'], ['-s', 'W3SVC'], ['-sn', 'W3SVC'], ['-k', 'W3SVC/1'], ['-kn', 'W3SVC/1'], ['-u'], ['-ua']]) {
      expect((await regiis(db, '-norestart', ...words)).exit, words.join(' ')).toBe(0);
    }
  });

  test('the configuration-encryption options are refused as not emulated, exit 1, nothing changed', async ({ db }) => {
    await regiis(db, '-lk');
    const before = dump(db);
    for (const option of ['-pe', '-pd', '-pef', '-pdf', '-pc', '-pz', '-pi', '-px', '-pa', '-pr', '-config+', '-config-', '/PE']) {
      const got = await regiis(db, option, 'connectionStrings');
      expect(got.exit, option).toBe(1);
      expect(got.stderr, option).toMatch(/not emulated/);
      expect(got.stderr.trim().split('\n'), option).toHaveLength(1);
    }
    expect(dump(db)).toBe(before);
  });
});

describe('version-dependent output: every Start and Finished line, the dots, the banner', () => {
  const P = 'w3svc/1/ROOT/App/';
  /** Every option in an order that leaves each one something to do, with the lines the spec gives it. */
  function expected(tool: '1.1' | '2.0' | '4.0'): { words: string[]; out: string[] }[] {
    const is4 = tool === '4.0';
    const v = { '1.1': '1.1.4322', '2.0': '2.0.50727', '4.0': '4.0.30319.1' }[tool];
    const both = (text: string, dots?: number): string[] => [`Start ${text}`, ...(dots ? ['.'.repeat(dots)] : []), `Finished ${text}`];
    const runs: { words: string[]; out: string[] }[] = [
      { words: ['-c'], out: both(`copying the ASP.NET client script files for this version (${v}).`, 3) },
      { words: ['-e'], out: both(`removing the ASP.NET client script files for this version (${v}).`, 3) },
      { words: ['-ea'], out: both('removing the ASP.NET client script files for all versions.', 3) },
      { words: ['-sn', P], out: both(is4 ? `registering ASP.NET (${v}) at ${P}.` : `registering ASP.NET scriptmap (${v}) at ${P}.`) },
      { words: ['-s', P], out: both(is4 ? `registering ASP.NET (${v}) recursively at ${P}.` : `registering ASP.NET scriptmap (${v}) recursively at ${P}.`) },
      {
        words: ['-kn', P],
        out: is4
          ? [`Start removing any version of ASP.NET at ${P}.`, `Finished removing any version of ASP.NET DLL at ${P}.`]
          : both(`removing any version of ASP.NET DLL at ${P}.`),
      },
      { words: ['-k', P], out: both(is4 ? `removing any version of ASP.NET recursively at ${P}.` : `removing any version of ASP.NET DLL recursively at ${P}.`) },
      {
        words: ['-ir'],
        out: both(
          is4 ? `installing ASP.NET (${v}) without changing existing web applications to use this version of ASP.Net.` : `installing ASP.NET (${v}) without registering the scriptmap.`,
          5,
        ),
      },
      { words: ['-i'], out: both(`installing ASP.NET (${v}).`, 7) },
      {
        words: ['-r'],
        out: both(
          is4
            ? `installing ASP.NET (${v}) and changing IIS configuration to use this version of ASP.NET.`
            : `installing ASP.NET (${v}) and replacing ASP.NET DLL in all Scriptmaps with current version.`,
          7,
        ),
      },
      { words: ['-u'], out: both(`uninstalling ASP.NET (${v}).`, 34) },
      { words: ['-ua'], out: both('uninstalling all versions of ASP.NET.', 34) },
    ];
    if (tool !== '1.1') {
      runs.unshift({
        words: ['-ga', 'NT AUTHORITY\\NETWORK SERVICE'],
        out: both(`granting NT AUTHORITY\\NETWORK SERVICE access to the IIS ${is4 ? 'configuration' : 'metabase'} and other directories used by ASP.NET.`),
      });
      // ASP.NET is mapped at the root here, so -iru takes the -ir form.
      runs.splice(runs.findIndex((r) => r.words[0] === '-u'), 0, {
        words: ['-iru'],
        out: both(
          is4 ? `installing ASP.NET (${v}) without changing existing web applications to use this version of ASP.Net.` : `installing ASP.NET (${v}) without registering the scriptmap.`,
          5,
        ),
      });
    }
    return runs;
  }

  for (const tool of ['1.1', '2.0', '4.0'] as const) {
    test(`the ${tool} tool`, async ({ db }) => {
      await init(db, 'win2003-net40');
      await addApp(db, 'W3SVC/1/ROOT/App');
      for (const { words, out } of expected(tool)) {
        const got = await regiis(db, '--framework', tool, ...words);
        expect(got.exit, words.join(' ')).toBe(0);
        expect(got.stdout, words.join(' ')).toBe(lines(...(tool === '4.0' ? BANNER : []), ...out));
      }
    });
  }

  test('-iru takes the -i text (with five dots) when it maps the root, for the 4.0 tool too', async ({ db }) => {
    await init(db, 'iis6-bare');
    await ok(mb(db, 'framework', 'install', '4.0', '--noaspupgrade'));
    const got = await regiis(db, '-iru');
    expect(got.stdout).toBe(lines(...BANNER, 'Start installing ASP.NET (4.0.30319.1).', '.....', 'Finished installing ASP.NET (4.0.30319.1).'));
    expect((await regiis(db, '-lk')).stdout).toBe(lines(...BANNER, 'W3SVC/\t4.0.30319.0'));
  });

  test('the 1.0 tool names itself 1.0.3705 and prints no banner', async ({ db }) => {
    await init(db, 'iis6-bare');
    await ok(mb(db, 'mode', 'iis6-iis5-isolation'));
    await ok(mb(db, 'framework', 'install', '1.0'));
    expect((await regiis(db, '--framework', '1.0', '-ir')).stdout).toBe(
      lines('Start installing ASP.NET (1.0.3705) without registering the scriptmap.', '.....', 'Finished installing ASP.NET (1.0.3705) without registering the scriptmap.'),
    );
    expect((await regiis(db, '--framework', '1.0', '-iru')).stdout).toBe(lines('Invalid arguments.'));
  });

  test('-lv, -lk and -? print no Start/Finished lines', async ({ db }) => {
    await init(db, 'win2003-net20');
    for (const option of ['-lv', '-lk', '-?']) expect((await regiis(db, option)).stdout, option).not.toMatch(/^(Start|Finished) /m);
  });
});

describe('the options', () => {
  test('-i (2.0 tool) leaves keys on a higher version where they are', async ({ db }) => {
    await init(db, 'win2003-net40');
    await addApp(db, 'W3SVC/1/ROOT/New');
    await addApp(db, 'W3SVC/1/ROOT/Old');
    await ok(regiis(db, '--framework', '4.0', '-sn', 'W3SVC/1/ROOT/New'));
    await ok(regiis(db, '--framework', '1.1', '-sn', 'W3SVC/1/ROOT/Old'));
    await ok(regiis(db, '--framework', '2.0', '-i'));
    expect((await regiis(db, '--framework', '2.0', '-lk')).stdout).toBe(
      lines('W3SVC/\t2.0.50727.0', 'W3SVC/1/ROOT/New/\t4.0.30319.0', 'W3SVC/1/ROOT/Old/\t2.0.50727.0'),
    );
  });

  test('P may carry /LM/ and a trailing /, in any case, and is echoed as typed', async ({ db }) => {
    await init(db, 'win2003-net20');
    await addApp(db, 'W3SVC/1/ROOT/App');
    expect((await regiis(db, '--framework', '1.1', '-sn', '/lm/w3svc/1/root/app/')).stdout).toBe(
      lines('Start registering ASP.NET scriptmap (1.1.4322) at /lm/w3svc/1/root/app/.', 'Finished registering ASP.NET scriptmap (1.1.4322) at /lm/w3svc/1/root/app/.'),
    );
    expect((await regiis(db, '-lk')).stdout).toBe(lines('W3SVC/\t2.0.50727.0', 'W3SVC/1/ROOT/App/\t1.1.4322.0'));
  });

  test('below P means P itself or under P + "/": a sibling whose name extends P is not below it', async ({ db }) => {
    await init(db, 'win2003-net20');
    await addApp(db, 'W3SVC/1/ROOT/App');
    await addApp(db, 'W3SVC/1/ROOT/App2');
    await ok(regiis(db, '--framework', '1.1', '-sn', 'W3SVC/1/ROOT/App'));
    await ok(regiis(db, '--framework', '1.1', '-sn', 'W3SVC/1/ROOT/App2'));
    await ok(regiis(db, '--framework', '2.0', '-s', 'W3SVC/1/ROOT/App'));
    expect((await regiis(db, '-lk')).stdout).toBe(lines('W3SVC/\t2.0.50727.0', 'W3SVC/1/ROOT/App/\t2.0.50727.0', 'W3SVC/1/ROOT/App2/\t1.1.4322.0'));
    await ok(regiis(db, '-k', 'W3SVC/1/ROOT/App'));
    expect((await regiis(db, '-lk')).stdout).toBe(lines('W3SVC/\t2.0.50727.0', 'W3SVC/1/ROOT/App2/\t1.1.4322.0'));
  });

  test('-lk lists imported keys in the file\'s order (site 1234567 before site 3), parents before children', async ({ db }) => {
    await ok(mb(db, 'import', join(import.meta.dirname, '..', 'fixtures', 'iis6-full.xml')));
    expect((await regiis(db, '--framework', '2.0', '-lk')).stdout).toBe(
      lines(
        'W3SVC/\t2.0.50727.0',
        'W3SVC/1/ROOT/\t2.0.50727.0',
        'W3SVC/1/ROOT/Legacy/\t1.1.4322.0',
        'W3SVC/1234567/ROOT/\t2.0.50727.0',
        'W3SVC/1234567/ROOT/Reports/\t4.0.30319.0',
        'W3SVC/3/ROOT/\t4.0.30319.0',
        'W3SVC/3/ROOT/Api/\t4.0.30319.0',
        'W3SVC/3/ROOT/Old/\t1.1.4322.0',
      ),
    );
  });

  test('-r installs the client scripts', async ({ db }) => {
    await init(db, 'win2003-net20');
    await ok(regiis(db, '--framework', '2.0', '-e'));
    await ok(regiis(db, '--framework', '2.0', '-r'));
    expect(await ok(mb(db, 'files', 'C:\\Inetpub\\wwwroot\\aspnet_client\\system_web'))).toContain('\\2_0_50727');
  });

  test('-s below P leaves lists without ASP.NET entries as they are', async ({ db }) => {
    await init(db, 'win2003-net20');
    await addApp(db, 'W3SVC/1/ROOT/App');
    await addApp(db, 'W3SVC/1/ROOT/App/Static');
    await ok(mb(db, 'set', 'W3SVC/1/ROOT/App/Static', 'ScriptMaps', '.foo,C:\\foo.dll,1'));
    await ok(regiis(db, '--framework', '1.1', '-s', 'W3SVC/1/ROOT/App'));
    expect(await ok(mb(db, 'get', 'W3SVC/1/ROOT/App/Static', 'ScriptMaps'))).toBe('.foo,C:\\foo.dll,1\n');
  });

  test('-u moves lists to a compatible version only: 4.0 lists lose ASP.NET even with 2.0 registered, and the audit log says so per key', async ({ db }) => {
    await init(db, 'win2003-net40');
    await addApp(db, 'W3SVC/1/ROOT/App');
    await ok(regiis(db, '--framework', '4.0', '-sn', 'W3SVC/1/ROOT/App'));
    const got = await regiis(db, '--framework', '4.0', '-u');
    expect(got.exit).toBe(0);
    expect(got.stderr).toContain('W3SVC/1/ROOT/App');
    expect((await regiis(db, '-lk')).stdout).toBe(lines(...BANNER, 'W3SVC/\t2.0.50727.0'));
    expect(await audit(db)).toMatch(/stripped \/LM\/W3SVC\/1\/ROOT\/App: /);
  });

  test('-u of a version that is not registered prints its lines and changes nothing', async ({ db }) => {
    await mb(db, 'framework', 'install', '2.0', '--noaspupgrade');
    await ok(regiis(db, '--framework', '2.0', '-u'));
    const got = await regiis(db, '--framework', '2.0', '-u');
    expect(got).toEqual({
      exit: 0,
      stdout: lines('Start uninstalling ASP.NET (2.0.50727).', '.'.repeat(34), 'Finished uninstalling ASP.NET (2.0.50727).'),
      stderr: '',
    });
  });

  test('-lv: the path starts at column 32 for every status (8-column tabs)', async ({ db }) => {
    await init(db, 'win2003-net40');
    await ok(mb(db, 'framework', 'break', '4.0'));
    const rows = (await regiis(db, '--framework', '2.0', '-lv')).stdout.trimEnd().split('\n');
    expect(rows.map((r) => r.split('\t').filter((f) => f !== '')[1])).toEqual(['Valid', 'Valid (Root)', 'Invalid']);
    for (const row of rows) expect(expandTabs(row).indexOf('C:\\WINDOWS'), row).toBe(32);
  });

  test('-c does the other sites when one home is missing, then fails with exit 1', async ({ db }) => {
    await init(db, 'win2003-net20');
    await ok(mb(db, 'site', 'add', 'Shop', '--id', '2', '--path', 'C:\\Sites\\Shop'));
    await ok(mb(db, 'files', 'rm', 'C:\\Inetpub\\wwwroot'));
    const got = await regiis(db, '--framework', '2.0', '-c');
    expect(got.exit).toBe(1);
    expect(await ok(mb(db, 'files', 'C:\\Sites\\Shop\\aspnet_client\\system_web'))).toContain('C:\\Sites\\Shop\\aspnet_client\\system_web\\2_0_50727');
  });

  test('-c with this version not registered: Start line and the registration error, nothing changed', async ({ db }) => {
    await mb(db, 'framework', 'install', '2.0', '--noaspupgrade');
    await ok(regiis(db, '--framework', '2.0', '-u'));
    const before = dump(db);
    const got = await regiis(db, '--framework', '2.0', '-c');
    expect(got.exit).toBe(1);
    expect(got.stdout).toBe(
      lines(
        'Start copying the ASP.NET client script files for this version (2.0.50727).',
        'An error has occurred: 0x80004005 Unspecified error',
        'The error indicates that this version of ASP.NET must first be registered on the machine.',
      ),
    );
    expect(dump(db)).toBe(before);
  });

  test('-ga records the grant in the audit log; the 2.0 tool speaks of the IIS metabase', async ({ db }) => {
    await init(db, 'win2003-net20');
    await ok(regiis(db, '-ga', 'DOMAIN\\svc'));
    expect(await audit(db)).toMatch(/grant .*DOMAIN\\svc/);
  });

  test('-enable / -disable with -i set the Web Service Extension flag on the machine', async ({ db }) => {
    await init(db, 'win2003-net40');
    const flag = async () =>
      ((await ok(mb(db, 'get', 'W3SVC', 'WebSvcExtRestrictionList'))).split('\n').find((l) => l.includes('v4.0.30319\\aspnet_isapi.dll')) ?? '').slice(0, 2);
    expect(await flag()).toBe('0,');
    await ok(regiis(db, '-i', '-enable'));
    expect(await flag()).toBe('1,');
    await ok(regiis(db, '-disable', '-i'));
    expect(await flag()).toBe('0,');
  });

  test('-? and no option print the same usage', async ({ db }) => {
    await init(db, 'win2003-net20');
    const help = await regiis(db, '-?');
    expect(help.exit).toBe(0);
    expect(await regiis(db)).toEqual(help);
    expect(await regiis(db, '/?')).toEqual(help);
  });
});

describe('restarts and recycles', () => {
  test('every run of the ten restarting actions restarts W3SVC even when it changed nothing', async ({ db }) => {
    await init(db, 'win2003-net20');
    await addApp(db, 'W3SVC/1/ROOT/App');
    for (const words of [['-i'], ['-ir'], ['-iru'], ['-r'], ['-s', 'W3SVC'], ['-sn', 'W3SVC'], ['-k', 'W3SVC/1'], ['-kn', 'W3SVC/1'], ['-u'], ['-ua']]) {
      const events = await eventsOf(db, () => regiis(db, '--framework', '2.0', ...words));
      expect(brief(events.slice(-2)), words.join(' ')).toEqual([
        ['W3SVC', 1023, 'Information', 'Restarting W3SVC'],
        ['W3SVC', 1025, 'Information', 'Finish restarting W3SVC'],
      ]);
      expect((await audit(db)).trimEnd().split('\n').at(-1), words.join(' ')).toMatch(/recycle server-wide: \/LM\/W3SVC\/1\/ROOT, \/LM\/W3SVC\/1\/ROOT\/App$/);
    }
  });

  test('-c, -e, -ea and -ga do not restart', async ({ db }) => {
    await init(db, 'win2003-net20');
    for (const words of [['-c'], ['-e'], ['-ea'], ['-ga', 'U']]) {
      expect(await eventsOf(db, () => regiis(db, ...words)), words.join(' ')).toEqual([]);
    }
  });
});

describe('events written', () => {
  const LOG = /^C:\\DOCUME~1\\ADMINI~1\\LOCALS~1\\Temp\\ASPNETSetup_\d{5}\.log$/;

  test('-i of an older tool: 1017, 1032, 1031, 1019, then the restart, with the exact texts and sources', async ({ db }) => {
    await init(db, 'win2003-net20');
    const events = await eventsOf(db, () => regiis(db, '--framework', '1.1', '-i'));
    const source = 'ASP.NET 1.1.4322.0';
    expect(brief(events.slice(0, 3))).toEqual([
      [source, 1017, 'Information', 'Start registering ASP.NET (version 1.1.4322.0) (internal flag: -i)'],
      [
        source,
        1032,
        'Warning',
        'Registration (version 1.1.4322.0) will not register the DLL in the scriptmap properties of any IIS website because the version is not high enough to replace the existing one at the root.  See help for the explanation of version comparison during installation.',
      ],
      [source, 1031, 'Information', 'The current version at the IIS root is 2.0.50727.0.'],
    ]);
    const [finish] = events.slice(3, 4);
    expect([finish!.source, finish!.event_id, finish!.type]).toEqual([source, 1019, 'Information']);
    const prefix = 'Finish registering ASP.NET (version 1.1.4322.0). Detailed registration logs can be found in ';
    expect(finish!.text.startsWith(prefix)).toBe(true);
    expect(finish!.text.slice(prefix.length)).toMatch(LOG);
    expect(events.slice(4).map((e) => e.event_id)).toEqual([1023, 1025]);
  });

  test('-ir, -iru and -r write 1017, 1031, 1019 and the restart, in that order', async ({ db }) => {
    await init(db, 'win2003-net20');
    for (const option of ['-ir', '-iru', '-r']) {
      const events = await eventsOf(db, () => regiis(db, '--framework', '2.0', option));
      expect(events.map((e) => e.event_id), option).toEqual([1017, 1031, 1019, 1023, 1025]);
      expect(events[1]!.text, option).toBe('The current version at the IIS root is 2.0.50727.0.');
    }
  });

  test('1017 names the option as its internal flag', async ({ db }) => {
    await init(db, 'win2003-net20');
    for (const option of ['-ir', '-iru', '-r']) {
      const [first] = await eventsOf(db, () => regiis(db, '--framework', '2.0', option));
      expect(first!.text, option).toBe(`Start registering ASP.NET (version 2.0.50727.0) (internal flag: ${option})`);
    }
  });

  test('-u and -ua: 1027, 1031 (0.0.0.0 when the root has no ASP.NET left), 1029, then the restart', async ({ db }) => {
    for (const option of ['-u', '-ua']) {
      await init(db, 'win2003-net20');
      const events = await eventsOf(db, () => regiis(db, '--framework', '2.0', option));
      const source = 'ASP.NET 2.0.50727.0';
      expect(brief(events.slice(0, 2)), option).toEqual([
        [source, 1027, 'Information', 'Start unregistering ASP.NET (version 2.0.50727.0)'],
        [source, 1031, 'Information', 'The current version at the IIS root is 0.0.0.0.'],
      ]);
      expect([events[2]!.source, events[2]!.event_id], option).toEqual([source, 1029]);
      const prefix = 'Finish unregistering ASP.NET (version 2.0.50727.0). Detailed unregistration logs can be found in ';
      expect(events[2]!.text.startsWith(prefix), option).toBe(true);
      expect(events[2]!.text.slice(prefix.length), option).toMatch(LOG);
      expect(events.slice(3).map((e) => [e.source, e.event_id]), option).toEqual([['W3SVC', 1023], ['W3SVC', 1025]]);
    }
  });
});

describe('errors', () => {
  test('emulator errors come first: a framework that is not known wins over an unknown option', async ({ db }) => {
    const got = await regiis(db, '--framework', '9.9', '-bogus');
    expect(got.exit).toBe(1);
    expect(got.stdout).toBe('');
    expect(got.stderr).toMatch(/9\.9/);
  });

  test('the 4.0 tool prints its banner before a repeated option', async ({ db }) => {
    await init(db, 'win2003-net40');
    expect(await regiis(db, '-sn', 'W3SVC', '-SN', 'W3SVC')).toMatchObject({ exit: 1, stdout: lines(...BANNER, 'Cannot specify the same option (-SN) multiple times.') });
  });

  test('an unknown option wins over a repeated one, a repeated one over options that do not combine', async ({ db }) => {
    await init(db, 'win2003-net20');
    expect((await regiis(db, '-lv', '-lv', '-bogus')).stdout).toBe(lines('Invalid arguments.'));
    expect((await regiis(db, '-lv', '-lk', '-lk')).stdout).toBe(lines('Cannot specify the same option (-lk) multiple times.'));
    expect((await regiis(db, '-lv', '-lk', '-s')).stdout).toBe(lines('Invalid arguments.'));
  });

  test('path not found wins over W not registered, and neither changes anything', async ({ db }) => {
    await mb(db, 'framework', 'install', '2.0', '--noaspupgrade');
    await ok(regiis(db, '--framework', '2.0', '-u'));
    const before = dump(db);
    expect(await regiis(db, '--framework', '2.0', '-sn', 'W3SVC/9')).toMatchObject({
      exit: 1,
      stdout: lines(
        'Start registering ASP.NET scriptmap (2.0.50727) at W3SVC/9.',
        'An error has occurred: 0x80070003 The system cannot find the path specified.',
        'Installation stopped because the specified path (W3SVC/9) is invalid.',
      ),
    });
    expect(dump(db)).toBe(before);
  });

  test('W not registered wins over a missing site home (-c)', async ({ db }) => {
    await mb(db, 'framework', 'install', '2.0', '--noaspupgrade');
    await ok(regiis(db, '--framework', '2.0', '-u'));
    await ok(mb(db, 'files', 'rm', 'C:\\Inetpub\\wwwroot'));
    expect((await regiis(db, '--framework', '2.0', '-c')).stdout).toContain('must first be registered');
  });

  for (const option of ['-sn', '-k', '-kn']) {
    test(`${option} on a path not in the metabase (4.0 tool): its Start line, the two error lines, nothing changed`, async ({ db }) => {
      await init(db, 'win2003-net40');
      const before = dump(db);
      const start = {
        '-sn': 'Start registering ASP.NET (4.0.30319.1) at W3SVC/1/Nope.',
        '-k': 'Start removing any version of ASP.NET recursively at W3SVC/1/Nope.',
        '-kn': 'Start removing any version of ASP.NET at W3SVC/1/Nope.',
      }[option]!;
      expect(await regiis(db, option, 'W3SVC/1/Nope')).toMatchObject({
        exit: 1,
        stdout: lines(
          ...BANNER,
          start,
          'An error has occurred: 0x80070003 The system cannot find the path specified.',
          'Installation stopped because the specified path (W3SVC/1/Nope) is invalid.',
        ),
      });
      expect(dump(db)).toBe(before);
    });
  }

  test('-i with a site home missing: the registration is kept, the restart and events still happen, exit 1', async ({ db }) => {
    await mb(db, 'framework', 'install', '2.0', '--noaspupgrade');
    await ok(regiis(db, '--framework', '2.0', '-u'));
    await ok(mb(db, 'files', 'rm', 'C:\\Inetpub\\wwwroot'));
    const events = await eventsOf(db, async () => {
      const got = await regiis(db, '--framework', '2.0', '-i');
      expect(got.exit).toBe(1);
      expect(got.stdout).toBe(
        lines(
          'Start installing ASP.NET (2.0.50727).',
          '.......',
          'Setup has detected some errors during the operation. For details, please read the setup log file C:\\DOCUME~1\\ADMINI~1\\LOCALS~1\\Temp\\ASPNETSetup_00000.log',
        ),
      );
    });
    expect(events.map((e) => e.event_id)).toEqual([1017, 1031, 1019, 1023, 1025]);
    expect((await regiis(db, '--framework', '2.0', '-lv')).stdout).toContain('2.0.50727.0\tValid (Root)\t');
  });

  test('the setup log number is kept in the machine and counts across options', async ({ db }) => {
    await ok(mb(db, 'files', 'rm', 'C:\\Inetpub\\wwwroot'));
    expect((await regiis(db, '-c')).stdout).toContain('ASPNETSetup_00000.log');
    expect((await regiis(db, '-i')).stdout).toContain('ASPNETSetup_00001.log');
    expect((await regiis(db, '-c')).stdout).toContain('ASPNETSetup_00002.log');
  });
});
