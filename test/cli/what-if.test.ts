import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect } from 'vitest';
import { mb, regiis, test } from '../support/fixtures.js';

const NOW = ['--now', '2026-01-01T00:00:00Z'];
const hash = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

async function machine(db: string, profile = 'win2003-net20'): Promise<void> {
  expect((await mb(db, 'init', '--profile', profile, ...NOW)).exit).toBe(0);
  expect((await mb(db, 'vdir', 'add', 'W3SVC/1/ROOT/App', '--path', 'C:\\Inetpub\\App', '--app', ...NOW)).exit).toBe(0);
}

describe('aspnet_regiis --what-if', () => {
  test('lists per key the version before and after and what happened to its entries, the restart and the recycles', async ({ db }) => {
    await machine(db);
    const got = await regiis(db, '--framework', '1.1', '--what-if', '-s', 'W3SVC/1/ROOT/App');
    expect(got.exit).toBe(0);
    expect(got.stdout).toContain('What-if: aspnet_regiis (1.1.4322) -s W3SVC/1/ROOT/App');
    expect(got.stdout).toContain('~ W3SVC/1/ROOT/App/\n      ScriptMaps: 2.0.50727 (inherited) -> 1.1.4322: 18 moved, 0 added, 25 dropped');
    expect(got.stdout).toContain('W3SVC restarts: every worker process stops');
    expect(got.stdout).toMatch(/Recycle: the AppDomains of 2 applications\n {2}W3SVC\/1\/ROOT\/\n {2}W3SVC\/1\/ROOT\/App\//);
    expect(got.stdout).toContain('1023 Information (W3SVC): Restarting W3SVC');
    expect(got.stdout).toContain('Result: the machine would change (1 key)');
    expect(got.stdout).not.toContain('moved   .aspx');
  });

  test('--verbose lists the entries; registrations, files and shared services appear', async ({ db }) => {
    await machine(db);
    const got = await regiis(db, '--framework', '2.0', '--what-if', '--verbose', '-u');
    expect(got.stdout).toContain('dropped .master,C:\\WINDOWS\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_isapi.dll,5,GET,HEAD,POST,DEBUG');
    expect(got.stdout).toContain('Registrations:\n  framework 2.0.50727: installed, registered -> installed, not registered');
    expect(got.stdout).toContain('aspnet_state service: 2.0.50727 -> none');
    expect(got.stdout).toContain('- C:\\Inetpub\\wwwroot\\aspnet_client\\system_web\\2_0_50727');
    expect(got.stdout).toContain('- W3SVC/Filters/ASP.NET_2.0.50727.0/ (IIsFilter)');
  });

  test('--json carries the same plan', async ({ db }) => {
    await machine(db);
    const got = await regiis(db, '--framework', '1.1', '--what-if', '--json', '-s', 'W3SVC/1/ROOT/App');
    const plan = JSON.parse(got.stdout);
    expect(plan).toMatchObject({ tool: '1.1.4322', whatIf: true, changed: true, restarted: true, recycled: ['/LM/W3SVC/1/ROOT', '/LM/W3SVC/1/ROOT/App'] });
    expect(plan.diff.keys).toHaveLength(1);
    expect(plan.diff.keys[0]).toMatchObject({ path: '/LM/W3SVC/1/ROOT/App', change: 'changed', scriptMaps: { before: { version: '2.0.50727', inherited: true }, after: { version: '1.1.4322' } } });
  });

  test('--detailed-exitcode: 2 for a change, 0 for none (a restart alone is none), 1 for an error; the same as the real run', async ({ db }) => {
    await machine(db);
    const cases: [string[], number][] = [
      [['--framework', '1.1', '-s', 'W3SVC/1/ROOT/App'], 2],
      [['--framework', '1.1', '-s', 'W3SVC/1/ROOT/App'], 0],
      [['-lk'], 0],
      [['-k', 'W3SVC/1/ROOT/Nope'], 1],
      [['-bogus'], 1],
    ];
    for (const [args, code] of cases) {
      const planned = await regiis(db, '--what-if', '--detailed-exitcode', ...args);
      expect(planned.exit, `what-if ${args.join(' ')}`).toBe(code);
      const real = await regiis(db, '--detailed-exitcode', ...args);
      expect(real.exit, args.join(' ')).toBe(code);
    }
    // -ga for a principal already granted changes nothing.
    expect((await regiis(db, '--detailed-exitcode', '-ga', 'NETWORK SERVICE')).exit).toBe(2);
    expect((await regiis(db, '--detailed-exitcode', '--what-if', '-ga', 'network service')).exit).toBe(0);
  });

  test('a what-if run leaves the file byte-identical and writes no log entry', async ({ db }) => {
    await machine(db);
    expect((await mb(db, 'snapshot', 'save', 'before', ...NOW)).exit).toBe(0);
    const before = hash(db);
    const events = (await mb(db, 'events', '--log', 'audit')).stdout;
    for (const args of [['-i'], ['-u'], ['-ua'], ['-s', 'W3SVC/1/ROOT/App'], ['-c'], ['-ga', 'X'], ['-k', 'W3SVC']]) {
      expect((await regiis(db, '--what-if', ...args)).exit, args.join(' ')).toBe(0);
    }
    expect((await mb(db, 'plan', '--', '--framework', '1.1', '-r')).exit).toBe(0);
    expect(hash(db)).toBe(before);
    expect(existsSync(`${db}-wal`)).toBe(false);
    expect((await mb(db, 'events', '--log', 'audit')).stdout).toBe(events);
  });

  test('metabase plan -- ARGS is exactly aspnet_regiis --what-if ARGS', async ({ db }) => {
    await machine(db);
    for (const args of [['--framework', '1.1', '-s', 'W3SVC/1/ROOT/App'], ['-u', '--detailed-exitcode'], ['-s', 'W3SVC/Nope'], ['--verbose', '-r']]) {
      const viaPlan = await mb(db, ...NOW, 'plan', '--', ...args);
      const direct = await regiis(db, ...NOW, '--what-if', ...args);
      expect(viaPlan, args.join(' ')).toEqual(direct);
    }
    const json = await mb(db, '--json', 'plan', '--', '-lk');
    expect(JSON.parse(json.stdout)).toMatchObject({ whatIf: true, changed: false });
  });
});
