import { chmodSync, openSync, readFileSync, statSync, writeSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, onTestFinished } from 'vitest';
import { mb, regiis, test } from '../support/fixtures.js';
import { hashFile, isOneLine, listing } from '../support/files.js';

/** `metabase doctor` on real files: healthy ones, hand-mangled ones, damaged ones. It never changes the file. */

interface Found {
  readonly severity: string;
  readonly code: string;
  readonly key?: string;
  readonly text: string;
}

async function doctor(db: string): Promise<{ exit: number; lines: string; problems: Found[] }> {
  const hash = hashFile(db);
  const text = await mb(db, 'doctor');
  const json = await mb(db, 'doctor', '--json');
  expect(json.exit).toBe(text.exit);
  expect(hashFile(db), 'doctor changed the file').toBe(hash);
  expect(listing(dirname(db))).toEqual(['machine.db']);
  return { exit: text.exit, lines: text.stdout + text.stderr, problems: JSON.parse(json.stdout) as Found[] };
}

/** Changes the file behind the program's back, as a bad copy or another tool would. */
function raw(db: string, statements: string): void {
  const sqlite = new BetterSqlite3(db);
  sqlite.pragma('foreign_keys = OFF');
  sqlite.exec(statements);
  sqlite.close();
}

const keyId = (db: string, path: string): number => {
  const sqlite = new BetterSqlite3(db, { readonly: true });
  const row = sqlite.prepare('select id from mb_key where path = ?').get(path) as { id: number };
  sqlite.close();
  return row.id;
};

describe('metabase doctor', () => {
  test('a healthy machine: no problems, exit 0', async ({ db }) => {
    await mb(db, 'init', '--profile', 'win2003-net40');
    await mb(db, 'vdir', 'add', 'W3SVC/1/ROOT/App', '--path', 'C:\\App', '--app');
    await regiis(db, '--framework', '2.0', '-s', 'W3SVC/1/ROOT/App');
    const got = await doctor(db);
    expect(got).toEqual({ exit: 0, lines: 'no problems found\n', problems: [] });
  });

  test('a missing file is not created', async ({ db }) => {
    const got = await mb(db, 'doctor');
    expect(got.exit).toBe(1);
    expect(isOneLine(got.stderr)).toBe(true);
    expect(got.stderr).toContain('no such machine file');
    expect(listing(dirname(db))).toEqual([]);
  });

  test('an AppPoolId naming no pool, set by hand: reported with its key, exit 1', async ({ db }) => {
    await mb(db, 'init');
    await mb(db, 'set', 'W3SVC/1/ROOT', 'AppPoolId', 'Nowhere');
    const got = await doctor(db);
    expect(got.exit).toBe(1);
    expect(got.lines).toBe('error missing-pool /LM/W3SVC/1/ROOT: AppPoolId names Nowhere, which is not an application pool under /LM/W3SVC/AppPools\n');
    expect(got.problems).toEqual([{ severity: 'error', code: 'missing-pool', key: '/LM/W3SVC/1/ROOT', text: expect.stringContaining('Nowhere') }]);
  });

  test('a broken framework is a note, not an error', async ({ db }) => {
    await mb(db, 'init', '--profile', 'win2003-net20');
    await mb(db, 'framework', 'break', '2.0');
    const got = await doctor(db);
    expect(got.exit).toBe(0);
    expect(got.lines).toBe('note framework-invalid: framework 2.0.50727 is registered but its files are missing: aspnet_regiis -lv shows it Invalid\n');
  });

  test('a key whose parent row was deleted (foreign keys off): an orphan and a foreign-key violation', async ({ db }) => {
    await mb(db, 'init');
    raw(db, `delete from mb_key where path = '/LM/W3SVC/1'`);
    const got = await doctor(db);
    expect(got.exit).toBe(1);
    // The deleted key's two properties and its child point at a row that is gone; the child is unreachable.
    expect(got.problems.filter((p) => p.code === 'foreign-key')).toHaveLength(3);
    expect(got.problems.filter((p) => p.code !== 'foreign-key')).toEqual([expect.objectContaining({ code: 'orphan-key', key: '/LM/W3SVC/1/ROOT' })]);
    expect(got.lines).toContain('error orphan-key /LM/W3SVC/1/ROOT: its parent /LM/W3SVC/1 does not exist');
  });

  test('a parent link that points at the wrong key', async ({ db }) => {
    await mb(db, 'init');
    raw(db, `update mb_key set parent_id = ${keyId(db, '/LM')} where path = '/LM/W3SVC/1/ROOT'`);
    const got = await doctor(db);
    expect(got.exit).toBe(1);
    expect(got.problems).toEqual([expect.objectContaining({ code: 'parent-link', key: '/LM/W3SVC/1/ROOT', text: expect.stringContaining('points at /LM instead of /LM/W3SVC/1') })]);
  });

  test('a list whose stored value is not JSON: doctor names it; other commands say the file is damaged in one line', async ({ db }) => {
    await mb(db, 'init');
    // The ScriptMaps list is long, so it is a shared value: store the broken text in the row itself.
    raw(db, `update mb_property set value = '[".asp,x', shared_id = null where name = 'ScriptMaps'`);
    const got = await doctor(db);
    expect(got.exit).toBe(1);
    expect(got.problems.map((p) => `${p.code} ${p.key}`)).toEqual(['bad-list /LM/W3SVC', 'unloadable undefined']);
    const lk = await regiis(db, '-lk');
    expect(lk.exit).toBe(1);
    expect(isOneLine(lk.stderr), lk.stderr).toBe(true);
    expect(lk.stderr).toContain('damaged: ScriptMaps at /LM/W3SVC is not a valid list');
    expect(lk.stderr).not.toContain('internal error');
  });

  test('a shared value edited by hand: doctor names it (and the list it broke); commands say damaged', async ({ db }) => {
    await mb(db, 'init');
    raw(db, `update mb_shared_value set value = '[".asp,x' where id = (select shared_id from mb_property where name = 'ScriptMaps')`);
    const got = await doctor(db);
    expect(got.exit).toBe(1);
    expect(got.problems.map((p) => `${p.code} ${p.key}`)).toEqual(['shared-digest undefined', 'bad-list /LM/W3SVC', 'unloadable undefined']);
    const lk = await regiis(db, '-lk');
    expect(lk.exit).toBe(1);
    expect(lk.stderr).toContain('damaged: ScriptMaps at /LM/W3SVC is not a valid list');
  });

  test('XML bookkeeping edited by hand (comments, the form of a property): doctor names it; commands say damaged', async ({ db }) => {
    await mb(db, 'init');
    raw(db, `update mb_key set xml_comments = '{not json' where path = '/LM/W3SVC/1'; update mb_property set xml_form = 'element' where name = 'Path'`);
    const got = await doctor(db);
    expect(got.exit).toBe(1);
    expect(got.problems.map((p) => `${p.code} ${p.key}`)).toEqual(['bad-comments /LM/W3SVC/1', 'bad-xml-form /LM/W3SVC/1/ROOT', 'unloadable undefined']);
    const lk = await regiis(db, '-lk');
    expect(lk.exit).toBe(1);
    expect(isOneLine(lk.stderr), lk.stderr).toBe(true);
    expect(lk.stderr).toMatch(/damaged: .* cannot be read/);
  });

  test('a file that holds no machine', async ({ db }) => {
    await mb(db, 'init');
    raw(db, 'delete from machine');
    const got = await doctor(db);
    expect(got.exit).toBe(1);
    expect(got.problems.map((p) => p.code)).toEqual(['no-machine']);
  });

  test('a damaged page: the SQLite integrity check fails', async ({ db }) => {
    await mb(db, 'init');
    const pageSize = readFileSync(db).readUInt16BE(16);
    const pages = statSync(db).size / pageSize;
    expect(pages).toBeGreaterThan(4);
    const fd = openSync(db, 'r+');
    writeSync(fd, Buffer.alloc(64, 0xa5), 0, 64, pageSize * Math.floor(pages / 2));
    closeSync(fd);
    const got = await doctor(db);
    expect(got.exit).toBe(1);
    expect(got.problems.length).toBeGreaterThan(0);
    expect(got.problems.every((p) => p.severity === 'error')).toBe(true);
    expect(got.problems[0]!.code).toMatch(/integrity|unloadable/);
  });

  test('a read-only file can be examined', async ({ db }) => {
    await mb(db, 'init');
    chmodSync(db, 0o444);
    onTestFinished(() => chmodSync(db, 0o644));
    const got = await doctor(db);
    expect(got.exit).toBe(0);
    expect(got.lines).toBe('no problems found\n');
  });
});
