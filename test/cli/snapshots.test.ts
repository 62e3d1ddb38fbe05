import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect } from 'vitest';
import { mb, regiis, test } from '../support/fixtures.js';

const at = (time: string) => ['--now', time];
const hash = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('snapshots', () => {
  test('save, list, restore (the logs kept, one entry more), delete', async ({ db }) => {
    expect((await mb(db, 'init', '--profile', 'win2003-net20', ...at('2026-01-01T00:00:00Z'))).exit).toBe(0);
    const saved = await mb(db, 'snapshot', 'save', 'clean', ...at('2026-01-01T01:00:00Z'));
    expect(saved).toMatchObject({ exit: 0, stdout: 'saved snapshot clean (2026-01-01T01:00:00.000Z)\n' });
    expect((await mb(db, 'vdir', 'add', 'W3SVC/1/ROOT/App', '--path', 'C:\\App', '--app')).exit).toBe(0);
    expect((await regiis(db, '--framework', '1.1', '-s', 'W3SVC/1/ROOT/App')).exit).toBe(0);
    const list = JSON.parse((await mb(db, '--json', 'snapshot', 'list')).stdout);
    expect(list).toEqual([{ name: 'clean', takenAt: '2026-01-01T01:00:00.000Z', profile: 'win2003-net20', keys: 9 }]);

    const auditBefore = JSON.parse((await mb(db, '--json', 'events', '--log', 'audit')).stdout) as unknown[];
    const appBefore = (await mb(db, 'events')).stdout;
    expect((await mb(db, 'snapshot', 'restore', 'CLEAN', ...at('2026-01-01T02:00:00Z'))).exit).toBe(0);
    expect((await regiis(db, '-lk')).stdout).toBe('W3SVC/\t2.0.50727.0\n');
    expect((await mb(db, 'get', 'W3SVC/1/ROOT/App')).exit).toBe(1);
    const auditAfter = JSON.parse((await mb(db, '--json', 'events', '--log', 'audit')).stdout) as { text: string }[];
    expect(auditAfter.slice(0, auditBefore.length)).toEqual(auditBefore);
    expect(auditAfter.slice(auditBefore.length).map((e) => e.text)).toEqual([
      `metabase --db ${db} snapshot restore CLEAN --now 2026-01-01T02:00:00Z: snapshot clean (taken 2026-01-01T01:00:00.000Z) restored`,
    ]);
    expect((await mb(db, 'events')).stdout).toBe(appBefore);

    expect((await mb(db, 'snapshot', 'delete', 'clean')).exit).toBe(0);
    expect((await mb(db, 'snapshot', 'list')).stdout).toBe('no snapshots\n');
    expect(await mb(db, 'snapshot', 'restore', 'clean')).toMatchObject({ exit: 1, stderr: expect.stringContaining('no snapshot named clean') });
  });

  test('names are plain words: path characters and duplicates are refused, and nothing changes', async ({ db }) => {
    expect((await mb(db, 'snapshot', 'save', 'one')).exit).toBe(0);
    const before = hash(db);
    for (const name of ['../x', 'a\\b', 'c:', 'two words', '2026-01-01']) {
      const got = await mb(db, 'snapshot', 'save', name);
      expect(got.exit, name).toBe(1);
      expect(got.stderr, name).toMatch(/^metabase: snapshot name ".*": /);
    }
    expect(await mb(db, 'snapshot', 'save', 'ONE')).toMatchObject({ exit: 1, stderr: 'metabase: a snapshot named one already exists (metabase snapshot delete one first)\n' });
    expect((await mb(db, 'snapshot', 'restore', '../one')).exit).toBe(1);
    expect(hash(db)).toBe(before);
  });

  test('diff A [B]: keys, properties, frameworks, pools, as text and --json', async ({ db }) => {
    await mb(db, 'init', '--profile', 'win2003-net20');
    await mb(db, 'vdir', 'add', 'W3SVC/1/ROOT/App', '--path', 'C:\\App', '--app');
    await mb(db, 'snapshot', 'save', 'a');
    await mb(db, 'pool', 'add', 'Legacy');
    await mb(db, 'pool', 'assign', 'W3SVC/1/ROOT/App', 'Legacy');
    await regiis(db, '--framework', '1.1', '-s', 'W3SVC/1/ROOT/App');
    await mb(db, 'framework', 'install', '4.0');
    await mb(db, 'snapshot', 'save', 'b');
    await mb(db, 'files', 'mkdir', 'C:\\Extra');

    const ab = await mb(db, 'diff', 'a', 'b');
    expect(ab.exit).toBe(0);
    expect(ab.stdout).toContain('diff a -> b\n');
    expect(ab.stdout).toContain('~ W3SVC/1/ROOT/App/\n      AppPoolId: (none) -> "Legacy"\n      ScriptMaps: 2.0.50727 (inherited) -> 1.1.4322: 18 moved, 0 added, 25 dropped');
    expect(ab.stdout).toContain('+ W3SVC/AppPools/Legacy/ (IIsApplicationPool)');
    expect(ab.stdout).toContain('framework 4.0.30319: absent -> installed, registered');
    expect(ab.stdout).toContain('Pools:\n  DefaultAppPool\n    - W3SVC/1/ROOT/App/\n  Legacy (added)\n    + W3SVC/1/ROOT/App/');
    expect(ab.stdout).not.toContain('C:\\Extra');

    const now = JSON.parse((await mb(db, '--json', 'diff', 'b')).stdout);
    expect(now).toMatchObject({ from: 'b', to: 'now', diff: { keys: [], directories: { added: ['C:\\Extra'], removed: [] } }, workers: [] });
    expect((await mb(db, 'diff', 'b', 'b')).stdout).toBe('diff b -> b\nno differences\n');
    expect(await mb(db, 'diff', 'nope')).toMatchObject({ exit: 1, stderr: expect.stringContaining('no snapshot named nope') });
  });

  test('worker processes and AppDomains are part of a snapshot: diff shows them, restore brings them back', async ({ db }) => {
    await mb(db, 'init');
    const sqlite = new BetterSqlite3(db);
    sqlite.prepare("insert into worker_process (id, image, pool, clr, started_at) values (1, 'w3wp.exe', 'DefaultAppPool', '1.1.4322', 't0')").run();
    sqlite.prepare("insert into app_domain (worker_id, app_path_lc, app_path, clr, started_at) values (1, '/lm/w3svc/1/root', '/LM/W3SVC/1/ROOT', '1.1.4322', 't0')").run();
    sqlite.prepare("insert into worker_outdated (worker_id, app_path, command, time) values (1, '/LM/W3SVC/1/ROOT', 'aspnet_regiis -norestart -i', 't0')").run();
    sqlite.close();
    await mb(db, 'snapshot', 'save', 'running');
    expect((await regiis(db, '-i')).exit).toBe(0); // restarts W3SVC: every worker process stops
    const diff = await mb(db, 'diff', 'running');
    expect(diff.stdout).toContain('Workers:\n  w3wp.exe (pool DefaultAppPool) CLR 1.1.4322, started t0: stopped\n    - AppDomain W3SVC/1/ROOT/');
    expect(diff.stdout).not.toContain('Keys:');
    await mb(db, 'snapshot', 'restore', 'running');
    const check = new BetterSqlite3(db, { readonly: true });
    expect(check.prepare('select image, pool, clr from worker_process').all()).toEqual([{ image: 'w3wp.exe', pool: 'DefaultAppPool', clr: '1.1.4322' }]);
    expect(check.prepare('select app_path from app_domain').all()).toEqual([{ app_path: '/LM/W3SVC/1/ROOT' }]);
    expect(check.prepare('select worker_id, command from worker_outdated').all()).toEqual([{ worker_id: 1, command: 'aspnet_regiis -norestart -i' }]);
    check.close();
  });

  test('events --since SNAPSHOT starts at the time the snapshot was taken', async ({ db }) => {
    await mb(db, 'init', ...at('2026-01-01T00:00:00Z'));
    await regiis(db, '-i', ...at('2026-01-01T00:30:00Z'));
    await mb(db, 'snapshot', 'save', 'mid', ...at('2026-01-01T01:00:00Z'));
    await regiis(db, '-r', ...at('2026-01-01T02:00:00Z'));
    const since = (await mb(db, '--json', 'events', '--since', 'mid')).stdout;
    const times = (JSON.parse(since) as { time: string }[]).map((e) => e.time);
    expect(times.length).toBeGreaterThan(0);
    expect(new Set(times)).toEqual(new Set(['2026-01-01T02:00:00.000Z']));
    expect(await mb(db, 'events', '--since', 'nosuch')).toMatchObject({ exit: 1, stderr: expect.stringContaining('neither an ISO 8601 time nor a snapshot') });
  });

  test('a snapshot keeps how an imported MetaBase.xml was written: export after restore is byte-identical', async ({ db }) => {
    const fixture = join(import.meta.dirname, '..', 'fixtures', 'iis6-full.xml');
    expect((await mb(db, 'import', fixture)).exit).toBe(0);
    const before = (await mb(db, 'export')).stdout;
    expect((await mb(db, 'snapshot', 'save', 'as-imported')).exit).toBe(0);
    await mb(db, 'delete', 'W3SVC/1');
    expect((await mb(db, 'snapshot', 'restore', 'as-imported')).exit).toBe(0);
    expect((await mb(db, 'export')).stdout).toBe(before);
  });
});
