import { describe, expect } from 'vitest';
import { mb, regiis, test } from '../support/fixtures.js';
import { run } from '../support/console.js';
import { dump } from '../support/dump.js';

const NOW = '2026-01-02T03:04:05.000Z';

describe('aspnet_regiis (in-process, real SQLite file)', () => {
  test('creates the default machine on first use and lists it', async ({ db }) => {
    const out = await regiis(db, '-lv');
    expect(out).toEqual({ exit: 0, stdout: '1.1.4322.0\tValid (Root)\tC:\\WINDOWS\\Microsoft.NET\\Framework\\v1.1.4322\\aspnet_isapi.dll\n', stderr: '' });
    const audit = await mb(db, 'events', '--log', 'audit');
    expect(audit.stdout).toContain('machine created from profile win2003');
  });

  test('options take - or / in any case', async ({ db }) => {
    expect((await regiis(db, '/LK')).stdout).toBe('W3SVC/\t1.1.4322.0\n');
    expect((await regiis(db, '-Lk')).stdout).toBe('W3SVC/\t1.1.4322.0\n');
  });

  test('--crlf ends console lines as the real tool does', async ({ db }) => {
    expect((await regiis(db, '--crlf', '-lk')).stdout).toBe('W3SVC/\t1.1.4322.0\r\n');
  });

  test.for([
    [['-s'], 'Invalid arguments.\n'],
    [['-bogus'], 'Invalid arguments.\n'],
    [['-i', '-u'], 'Some options specified are not compatible. Use aspnet_regiis /? to see all options.\n'],
    [['-norestart', '-lk'], 'Some options specified are not compatible. Use aspnet_regiis /? to see all options.\n'],
    [['-lk', '-lk'], 'Invalid arguments.\n'],
    [['-iru'], 'Invalid arguments.\n'],
  ] as const)('%j prints the real message, exits 1 and changes nothing', async ([words, message], { db }) => {
    await regiis(db, '-lk');
    const before = dump(db);
    const out = await regiis(db, ...words);
    expect(out.exit).toBe(1);
    expect(out.stdout).toBe(message);
    expect(dump(db)).toBe(before);
  });

  test('a repeated option in the 2.0 tool is named as typed', async ({ db }) => {
    await mb(db, 'init', '--profile', 'win2003-net20');
    const out = await regiis(db, '-s', 'W3SVC', '/S', 'W3SVC');
    expect(out).toMatchObject({ exit: 1, stdout: 'Cannot specify the same option (/S) multiple times.\n' });
  });

  test('the 4.0 tool prints its banner before everything, errors included', async ({ db }) => {
    await mb(db, 'init', '--profile', 'win2003-net40');
    const out = await regiis(db, '-bogus');
    expect(out.stdout).toBe(
      'Microsoft (R) ASP.NET RegIIS version 4.0.30319.1\nAdministration utility to install and uninstall ASP.NET on the local machine.\nCopyright (C) Microsoft Corporation.  All rights reserved.\nInvalid arguments.\n',
    );
  });

  test('--framework picks the tool; a framework that is not installed has none', async ({ db }) => {
    await mb(db, 'init', '--profile', 'win2003-net20');
    expect((await regiis(db, '--framework', '3.5', '-sn', 'W3SVC/1/ROOT')).stdout).toContain('(2.0.50727)');
    expect((await regiis(db, '--framework', 'v1.1.4322', '-sn', 'W3SVC/1/ROOT')).stdout).toContain('(1.1.4322)');
    const before = dump(db);
    const out = await regiis(db, '--framework', '4.0', '-i');
    expect(out.exit).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/^aspnet_regiis: .*4\.0\.30319 is not installed/);
    expect(dump(db)).toBe(before);
    expect((await regiis(db, '--framework', '9.9', '-lv')).stderr).toContain('unknown version 9.9');
  });

  test('REGIIS_DB, REGIIS_FRAMEWORK and REGIIS_NOW stand in for the flags', async ({ db }) => {
    await mb(db, 'init', '--profile', 'win2003-net20');
    const io = await run('aspnet_regiis', db, ['-sn', 'W3SVC/1/ROOT'], { REGIIS_FRAMEWORK: '1.1', REGIIS_NOW: NOW });
    expect(io.stdout).toContain('(1.1.4322)');
    const events = await mb(db, 'events', '--id', '1023');
    expect(events.stdout).toContain(`${NOW}  W3SVC  1023  Information  Restarting W3SVC`);
  });

  test('--detailed-exitcode: 2 when the machine changed, 0 when not (a restart alone is no change), 1 on error', async ({ db }) => {
    expect((await regiis(db, '--detailed-exitcode', '-sn', 'W3SVC/1/ROOT')).exit).toBe(2);
    expect((await regiis(db, '--detailed-exitcode', '-sn', 'W3SVC/1/ROOT')).exit).toBe(0);
    expect((await regiis(db, '--detailed-exitcode', '-lk')).exit).toBe(0);
    expect((await regiis(db, '--detailed-exitcode', '-sn', 'W3SVC/Nope')).exit).toBe(1);
  });

  test('--what-if prints a plan and leaves the file untouched', async ({ db }) => {
    await mb(db, 'init', '--profile', 'win2003-net20');
    const before = dump(db);
    const out = await regiis(db, '--what-if', '--framework', '1.1', '-r');
    expect(out.exit).toBe(0);
    expect(out.stdout).toContain('~ W3SVC/\n      ScriptMaps: 2.0.50727 -> 1.1.4322: ');
    expect(out.stdout).toContain('W3SVC restarts: every worker process stops');
    expect(dump(db)).toBe(before);
    expect((await regiis(db, '--what-if', '--detailed-exitcode', '--framework', '1.1', '-r')).exit).toBe(2);
  });

  test('--json for every option, with the console lines, changes and events', async ({ db }) => {
    const lv = JSON.parse((await regiis(db, '--json', '-lv')).stdout);
    expect(lv.result).toEqual([{ version: '1.1.4322.0', status: 'Valid (Root)', path: 'C:\\WINDOWS\\Microsoft.NET\\Framework\\v1.1.4322\\aspnet_isapi.dll' }]);
    const s = JSON.parse((await regiis(db, '--json', '-sn', 'W3SVC/1/ROOT')).stdout);
    expect(s).toMatchObject({ tool: '1.1.4322', exitCode: 0, changed: true, restarted: true });
    expect(s.changes[0]).toMatchObject({ kind: 'setProperty', path: '/LM/W3SVC/1/ROOT' });
    expect(s.events.map((e: { eventId: number }) => e.eventId)).toEqual([1023, 1025]);
    const bad = JSON.parse((await regiis(db, '--json', '-s')).stdout);
    expect(bad).toMatchObject({ exitCode: 1, stdout: ['Invalid arguments.'] });
  });

  test('a restart is logged with a server-wide recycle naming every application', async ({ db }) => {
    await mb(db, 'vdir', 'add', 'W3SVC/1/ROOT/App', '--path', 'C:\\Inetpub\\App', '--app');
    await regiis(db, '-sn', 'W3SVC/1/ROOT/App');
    const audit = (await mb(db, 'events', '--log', 'audit')).stdout;
    expect(audit).toContain('aspnet_regiis (1.1.4322) -sn W3SVC/1/ROOT/App');
    expect(audit).toMatch(/recycle server-wide: \/LM\/W3SVC\/1\/ROOT, \/LM\/W3SVC\/1\/ROOT\/App/);
    expect(audit).toMatch(/set \/LM\/W3SVC\/1\/ROOT\/App ScriptMaps: \(none\) -> \[/);
  });

  test('-norestart recycles only the applications whose mapping changed and writes no restart', async ({ db }) => {
    await mb(db, 'vdir', 'add', 'W3SVC/1/ROOT/App', '--path', 'C:\\Inetpub\\App', '--app');
    await mb(db, 'framework', 'install', '2.0');
    await regiis(db, '--framework', '2.0', '-norestart', '-s', 'W3SVC/1/ROOT/App');
    const audit = (await mb(db, 'events', '--log', 'audit')).stdout.split('\n');
    const last = audit.filter((l) => l.includes(' #4 '));
    expect(last.some((l) => l.includes('recycle changed applications: /LM/W3SVC/1/ROOT/App'))).toBe(true);
    expect(last.some((l) => / #4 {2}restart /.test(l))).toBe(false);
    expect(audit.some((l) => / #3 {2}restart /.test(l))).toBe(true);
  });

  test('the client script error counts its setup logs across runs', async ({ db }) => {
    await mb(db, 'files', 'rm', 'C:\\Inetpub\\wwwroot');
    expect((await regiis(db, '-c')).stdout).toContain('ASPNETSetup_00000.log');
    expect((await regiis(db, '-c')).stdout).toContain('ASPNETSetup_00001.log');
  });

  test('the encryption options are not emulated', async ({ db }) => {
    const out = await regiis(db, '-pef', 'connectionStrings', 'C:\\site');
    expect(out.exit).toBe(1);
    expect(out.stderr).toContain('not emulated');
  });

  test('unknown emulator options are refused', async ({ db }) => {
    const out = await regiis(db, '--bogus', '-lv');
    expect(out.exit).toBe(1);
    expect(out.stderr).toContain('bogus');
  });

  test('-? and no option print the usage of this tool version', async ({ db }) => {
    await mb(db, 'init', '--profile', 'win2003-net40');
    const v11 = await regiis(db, '--framework', '1.1', '/?');
    expect(v11.exit).toBe(0);
    expect(v11.stdout.startsWith('\n                      -- ASP.NET REGISTRATION OPTIONS --\n')).toBe(true);
    expect(v11.stdout).not.toMatch(/^-iru /m);
    expect(v11.stdout).not.toMatch(/^-ga /m);
    const v40 = await regiis(db, '--framework', '4.0');
    expect(v40.stdout.startsWith('Microsoft (R) ASP.NET RegIIS version 4.0.30319.1\n')).toBe(true);
    expect(v40.stdout).toContain('\n-iru                ');
  });
});
