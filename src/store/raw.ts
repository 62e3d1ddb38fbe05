import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * The raw better-sqlite3 connection under a store. Kysely prepares every statement anew and builds an
 * object per row; the repositories that move a whole metabase (tens of thousands of keys, hundreds of
 * thousands of properties) use the connection directly, with statements prepared once and rows read as
 * arrays. Both go through the same connection, so they share its transactions.
 */
export type Sqlite = BetterSqlite3.Database;

/** What a repository takes: the Kysely instance of a store (as older callers pass) or its raw connection. */
export type Db = Kysely<Database> | Sqlite;

const LINKS = new WeakMap<object, Sqlite>();

/** Records which connection a store's Kysely instance runs on (`openStore` does this). */
export function linkRaw(db: Kysely<Database>, sqlite: Sqlite): void {
  LINKS.set(db, sqlite);
}

export function rawOf(db: Db): Sqlite {
  if (typeof (db as Sqlite).prepare === 'function') return db as Sqlite;
  const sqlite = LINKS.get(db);
  if (!sqlite) throw new Error('internal: this Kysely instance was not opened by openStore');
  return sqlite;
}

const STATEMENTS = new WeakMap<Sqlite, Map<string, BetterSqlite3.Statement>>();

/** A statement prepared once per connection. */
export function statement(sqlite: Sqlite, text: string): BetterSqlite3.Statement {
  let cache = STATEMENTS.get(sqlite);
  if (!cache) STATEMENTS.set(sqlite, (cache = new Map()));
  let prepared = cache.get(text);
  if (!prepared) cache.set(text, (prepared = sqlite.prepare(text)));
  return prepared;
}

/** Rows per multi-row INSERT in bulk writes: one statement run per 64 rows, not per row. */
const ROWS_PER_INSERT = 64;

/** Inserts rows into a table, `ROWS_PER_INSERT` at a time; `flush` writes what is left. */
export function batchInsert(sqlite: Sqlite, table: string, columns: readonly string[], conflict = '') {
  const row = `(${columns.map(() => '?').join(', ')})`;
  const head = `insert into ${table} (${columns.join(', ')}) values `;
  const many = statement(sqlite, `${head}${Array<string>(ROWS_PER_INSERT).fill(row).join(', ')} ${conflict}`);
  const one = statement(sqlite, `${head}${row} ${conflict}`);
  let values: unknown[] = [];
  return {
    add(...row: unknown[]): void {
      values.push(...row);
      if (values.length === ROWS_PER_INSERT * columns.length) {
        many.run(values);
        values = [];
      }
    },
    flush(): void {
      for (let i = 0; i < values.length; i += columns.length) one.run(values.slice(i, i + columns.length));
      values = [];
    },
  };
}
