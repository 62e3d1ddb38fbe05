import { createHash } from 'node:crypto';
import { copyFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { describe, expect } from 'vitest';
import * as sharedValues from '../../migrations/2026_11_22_003_shared_values.js';
import * as propertiesByName from '../../migrations/2026_11_22_004_properties_by_name.js';
import { openStore } from '../../src/store/open.js';
import { SHARED_FROM } from '../../src/store/shared-values.js';
import { mb, regiis, test } from '../support/fixtures.js';

/** Long values are stored once, in mb_shared_value (migration 2026_11_22_003_shared_values). */

/** Every property row's text, live and in snapshots, whichever column holds it. */
function texts(sqlite: BetterSqlite3.Database): unknown[] {
  const sharing = sqlite.prepare(`select count(*) from sqlite_master where name = 'mb_shared_value'`).pluck().get() === 1;
  const resolved = sharing ? `coalesce(p.value, (select s.value from mb_shared_value s where s.id = p.shared_id))` : 'p.value';
  return [
    ...sqlite.prepare(`select 'live', key_id, name_lc, ord, ${resolved} as text from mb_property p order by key_id, ord`).raw().all(),
    ...sqlite.prepare(`select snapshot_id, key_id, name_lc, ord, ${resolved} as text from snapshot_property p order by snapshot_id, key_id, ord`).raw().all(),
  ];
}

/**
 * What sharing promises: long values are shared and short ones are not; each shared value is stored once,
 * matches its digest and is referred to by some row, live or in a snapshot.
 */
function expectSharing(file: string): { shared: number; referring: number } {
  const sqlite = new BetterSqlite3(file, { readonly: true });
  try {
    for (const table of ['mb_property', 'snapshot_property']) {
      expect(sqlite.prepare(`select count(*) from ${table} where value is not null and length(value) >= ?`).pluck().get(SHARED_FROM), table).toBe(0);
      expect(sqlite.prepare(`select count(*) from ${table} where shared_id is not null and value is not null`).pluck().get(), table).toBe(0);
    }
    const values = sqlite.prepare('select id, digest, value from mb_shared_value').all() as { id: number; digest: Buffer; value: string }[];
    for (const { id, digest, value } of values) {
      expect(value.length, `#${id}`).toBeGreaterThanOrEqual(SHARED_FROM);
      expect(digest.equals(createHash('sha256').update(value).digest()), `#${id}`).toBe(true);
    }
    expect(new Set(values.map((v) => v.value)).size).toBe(values.length);
    const unused = sqlite
      .prepare(
        `select count(*) from mb_shared_value s where not exists (select 1 from mb_property where shared_id = s.id)
           and not exists (select 1 from snapshot_property where shared_id = s.id)`,
      )
      .pluck()
      .get();
    expect(unused).toBe(0);
    const referring = sqlite.prepare('select count(*) from mb_property where shared_id is not null').pluck().get() as number;
    return { shared: values.length, referring };
  } finally {
    sqlite.close();
  }
}

const ok = (ran: { exit: number; stderr: string }): void => expect(ran.exit, ran.stderr).toBe(0);

describe('shared values', () => {
  test('a hosting server stores each distinct ScriptMaps list once', async ({ db }) => {
    ok(await mb(db, 'generate', '--sites', '40', '--seed', '3'));
    const { shared, referring } = expectSharing(db);
    const sqlite = new BetterSqlite3(db, { readonly: true });
    const lists = sqlite.prepare(`select count(*) from mb_property where name_lc = 'scriptmaps'`).pluck().get() as number;
    sqlite.close();
    // Dozens of keys hold an explicit list, a handful of lists between them.
    expect(lists).toBeGreaterThan(40);
    expect(referring).toBeGreaterThanOrEqual(lists);
    expect(shared).toBeLessThan(lists / 4);
  });

  test('every command keeps the promise, and the values a snapshot needs stay until it is deleted', async ({ db }) => {
    ok(await mb(db, 'generate', '--sites', '20', '--seed', '5'));
    const first = expectSharing(db).shared;
    ok(await mb(db, 'snapshot', 'save', 'start'));
    ok(await regiis(db, '-r'));
    // -r rewrote the lists; the old ones stay for the snapshot.
    const withSnapshot = expectSharing(db).shared;
    expect(withSnapshot).toBeGreaterThan(first);
    ok(await regiis(db, '-k', 'W3SVC/1'));
    ok(await mb(db, 'snapshot', 'delete', 'start'));
    const afterDelete = expectSharing(db).shared;
    expect(afterDelete).toBeLessThan(withSnapshot);
    ok(await mb(db, 'snapshot', 'save', 'later'));
    ok(await regiis(db, '-u'));
    ok(await mb(db, 'snapshot', 'restore', 'later'));
    expectSharing(db);
    const exported = await mb(db, 'export');
    ok(exported);
    ok(await mb(db, 'snapshot', 'delete', 'later'));
    ok(await regiis(db, '-i'));
    expectSharing(db);
  });

  test('a value stored again after its last reference went is stored anew, once', async ({ db }) => {
    ok(await mb(db, 'init'));
    const before = expectSharing(db);
    // -k strips the lists; -i writes the same lists back.
    ok(await regiis(db, '-k', 'W3SVC'));
    ok(await regiis(db, '-i'));
    const after = expectSharing(db);
    expect(after.shared).toBe(before.shared);
  });

  test('the migrations move long values out of live and snapshot rows, store rows by name, and back down, every text kept', async ({ db }) => {
    ok(await mb(db, 'generate', '--sites', '10', '--seed', '2'));
    ok(await mb(db, 'snapshot', 'save', 'one'));
    ok(await regiis(db, '-r'));
    const sqlite = new BetterSqlite3(db);
    const kysely = new Kysely<any>({ dialect: new SqliteDialect({ database: sqlite }) });
    try {
      const shared = texts(sqlite);
      await propertiesByName.down(kysely);
      expect(texts(sqlite)).toEqual(shared);
      await sharedValues.down(kysely);
      expect(sqlite.prepare(`select count(*) from sqlite_master where name = 'mb_shared_value'`).pluck().get()).toBe(0);
      expect(texts(sqlite)).toEqual(shared);
      await sharedValues.up(kysely);
      expect(texts(sqlite)).toEqual(shared);
      await propertiesByName.up(kysely);
      expect(texts(sqlite)).toEqual(shared);
      expect(sqlite.pragma('foreign_key_check')).toEqual([]);
      expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      await kysely.destroy();
    }
    expectSharing(db);
    // The file opens and runs as before.
    ok(await regiis(db, '-lk'));
  });

  test('a file from before shared values is brought up to date when opened', async ({ db }) => {
    ok(await mb(db, 'generate', '--sites', '10', '--seed', '4'));
    const copy = `${db}.old`;
    copyFileSync(db, copy);
    const sqlite = new BetterSqlite3(copy);
    const kysely = new Kysely<any>({ dialect: new SqliteDialect({ database: sqlite }) });
    await propertiesByName.down(kysely);
    await sharedValues.down(kysely);
    sqlite.prepare(`delete from kysely_migration where name >= '2026_11_22_003_shared_values'`).run();
    const inline = texts(sqlite);
    await kysely.destroy();

    const store = await openStore(copy);
    try {
      expect(texts(store.sqlite)).toEqual(inline);
    } finally {
      await store.close();
    }
    expectSharing(copy);
    const [a, b] = await Promise.all([regiis(db, '-lk'), regiis(copy, '-lk')]);
    expect(b.stdout).toBe(a.stdout);
  });
});
