import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { describe, expect } from 'vitest';
import * as machine from '../../migrations/2026_11_21_001_machine.js';
import * as perf from '../../migrations/2026_11_21_030_perf.js';
import * as metabaseXml from '../../migrations/2026_11_22_001_metabase_xml.js';
import { openStore } from '../../src/store/open.js';
import { test } from '../support/fixtures.js';

/** mb_property as a rowid table (migration 2026_11_21_030_perf): same columns, same rows, cheap lookups. */

const tableSql = (sqlite: BetterSqlite3.Database): string =>
  (sqlite.prepare(`select sql from sqlite_master where type = 'table' and name = 'mb_property'`).get() as { sql: string }).sql;

describe('the property table', () => {
  test('a new machine file stores properties by name (migration 2026_11_22_004), unique by key and name', async ({ db }) => {
    const store = await openStore(db);
    try {
      expect(tableSql(store.sqlite)).toMatch(/primary key \(name_lc, key_id\)\s*\)\s*without rowid/i);
      const indexes = store.sqlite.prepare(`select name, "unique", origin from pragma_index_list('mb_property') order by name`).all();
      expect(indexes).toEqual([
        { name: 'mb_property_key', unique: 1, origin: 'c' },
        { name: 'mb_property_shared', unique: 0, origin: 'c' },
        { name: 'sqlite_autoindex_mb_property_1', unique: 1, origin: 'pk' },
      ]);
      // Reading one property across every key is a range of the table itself.
      const plan = store.sqlite.prepare(`explain query plan select * from mb_property where name_lc = ?`).all('scriptmaps') as { detail: string }[];
      expect(plan.map((p) => p.detail).join('; ')).toMatch(/SEARCH mb_property USING PRIMARY KEY \(name_lc=\?\)/);
      store.sqlite.prepare(`insert into mb_key (id, path, path_lc, key_type, ord) values (1, '/LM', '/lm', 'IIsComputer', 1)`).run();
      const insert = store.sqlite.prepare(`insert into mb_property (key_id, name_lc, name, ord, value) values (1, 'x', 'X', ?, 'v')`);
      insert.run(1);
      expect(() => insert.run(2)).toThrow(/UNIQUE/);
    } finally {
      await store.close();
    }
  });

  for (const extra of [false, true]) {
    test(`rebuilding keeps every row, in order, with ${extra ? 'the columns later migrations added' : 'the first columns'}`, async ({ db }) => {
      const sqlite = new BetterSqlite3(join(db));
      sqlite.pragma('foreign_keys = ON');
      const kysely = new Kysely<any>({ dialect: new SqliteDialect({ database: sqlite }) });
      try {
        await machine.up(kysely);
        if (extra) await metabaseXml.up(kysely);
        sqlite.prepare(`insert into mb_key (id, path, path_lc, key_type, ord) values (1, '/LM', '/lm', 'IIsComputer', 1), (2, '/LM/W3SVC', '/lm/w3svc', 'IIsWebService', 2)`).run();
        const big = JSON.stringify(Array.from({ length: 60 }, (_, i) => `.x${i},C:\\WINDOWS\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_isapi.dll,1`));
        const rows = [
          [2, 'scriptmaps', 'ScriptMaps', 3, 6014, 'MULTISZ', null, 'INHERIT', big],
          [2, 'apppoolid', 'AppPoolId', 1, 9101, 'STRING', null, null, 'DefaultAppPool'],
          [1, 'custom', 'Custom', 2, 50000, 'DWORD', 'IIS_MD_UT_SERVER', 'NO_ATTRIBUTES', '7'],
        ];
        for (const row of rows) {
          sqlite.prepare(`insert into mb_property (key_id, name_lc, name, ord, prop_id, data_type, user_type, attributes, value) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(...row);
        }
        if (extra) sqlite.prepare(`update mb_property set xml_form = 'attribute' where name_lc = 'apppoolid'`).run();
        const before = sqlite.prepare('select * from mb_property order by key_id, ord').all();

        await perf.up(kysely);

        expect(tableSql(sqlite)).not.toMatch(/without rowid/i);
        expect(sqlite.prepare('select * from mb_property order by key_id, ord').all()).toEqual(before);
        // The foreign key still holds: the rows go with their key.
        sqlite.prepare(`delete from mb_key where id = 2`).run();
        expect(sqlite.prepare('select count(*) as n from mb_property').get()).toEqual({ n: 1 });
      } finally {
        await kysely.destroy();
      }
    });
  }
});
