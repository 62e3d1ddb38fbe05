import { describe, expect } from 'vitest';
import { mb, regiis, test } from '../support/fixtures.js';

describe('metabase generate', () => {
  test('replaces the machine with a hosting server and says what it built', async ({ db }) => {
    const ran = await mb(db, 'generate', '--sites', '25', '--seed', '3', '--json');
    expect(ran.exit, ran.stderr).toBe(0);
    const summary = JSON.parse(ran.stdout) as { sites: number; keys: number; scriptMaps: number; pools: number; seed: number };
    expect(summary).toMatchObject({ ok: true, sites: 25, seed: 3 });

    const lk = await regiis(db, '-lk');
    const mapped = lk.stdout.split('\n').filter((l) => l.includes('\t'));
    // -lk lists every key with an explicit list that has ASP.NET entries: most, not all, of the lists.
    expect(mapped.length).toBeGreaterThan(summary.scriptMaps / 2);
    expect(mapped.length).toBeLessThanOrEqual(summary.scriptMaps);
    expect(lk.stdout).toContain('1.1.4322.0');
    expect(lk.stdout).toContain('4.0.30319.0');

    const lv = await regiis(db, '-lv');
    expect(lv.stdout).toContain('2.0.50727.0\tValid (Root)\t');
    expect(lv.stdout).toContain('4.0.30319.0\tValid\t\t');

    const pools = await mb(db, 'pool', 'list', '--json');
    expect((JSON.parse(pools.stdout) as unknown[]).length).toBe(summary.pools);
  });

  test('builds the same server for the same seed, another for another seed', async ({ db }) => {
    await mb(db, 'generate', '--sites', '15', '--seed', '9');
    const first = (await regiis(db, '-lk')).stdout;
    await mb(db, 'generate', '--sites', '15', '--seed', '9');
    expect((await regiis(db, '-lk')).stdout).toBe(first);
    await mb(db, 'generate', '--sites', '15', '--seed', '10');
    expect((await regiis(db, '-lk')).stdout).not.toBe(first);
  });

  test('keeps the logs and records itself in the audit log', async ({ db }) => {
    expect((await mb(db, 'init')).exit).toBe(0);
    expect((await mb(db, 'generate', '--sites', '5')).exit).toBe(0);
    const audit = (await mb(db, 'events', '--log', 'audit')).stdout;
    expect(audit).toContain('machine created from profile win2003');
    expect(audit).toContain('generate --sites 5');
    expect(audit).toMatch(/generated hosting server: 5 sites, \d+ keys/);
  });

  test('replaces the runtime and the old keys', async ({ db }) => {
    expect((await mb(db, 'vdir', 'add', 'W3SVC/1/ROOT/Old', '--path', 'C:\\Old')).exit).toBe(0);
    expect((await mb(db, 'generate', '--sites', '3')).exit).toBe(0);
    expect((await mb(db, 'get', 'W3SVC/1/ROOT/Old')).exit).toBe(1);
    expect((await mb(db, 'get', 'W3SVC/1/ROOT', 'Path')).stdout).toBe('C:\\Inetpub\\wwwroot\n');
  });

  for (const [args, message] of [
    [['--sites', '0'], '--sites: a whole number from 1 to 100000, not 0'],
    [['--sites', 'ten'], '--sites: a whole number from 1 to 100000, not ten'],
    [['--sites', '2.5'], '--sites: a whole number from 1 to 100000, not 2.5'],
    [['--sites', '3', '--seed', '-1'], '--seed: a whole number from 0 to 4294967295'],
  ] as const) {
    test(`refuses ${args.join(' ')} and changes nothing`, async ({ db }) => {
      expect((await mb(db, 'init')).exit).toBe(0);
      const before = (await regiis(db, '-lk')).stdout;
      const ran = await mb(db, 'generate', ...args);
      expect(ran.exit).toBe(1);
      expect(ran.stderr.trim().split('\n')).toHaveLength(1);
      expect(ran.stderr).toContain(message);
      expect((await regiis(db, '-lk')).stdout).toBe(before);
    });
  }

  test('needs --sites', async ({ db }) => {
    const ran = await mb(db, 'generate');
    expect(ran.exit).toBe(1);
    expect(ran.stderr).toContain('sites');
  });
});
