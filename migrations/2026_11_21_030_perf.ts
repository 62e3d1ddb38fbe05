import { type Kysely, sql } from 'kysely';

/**
 * `mb_property` becomes an ordinary rowid table, with a unique index on (key_id, name_lc) in place of its
 * WITHOUT ROWID primary key.
 *
 * Why: a WITHOUT ROWID table is a b-tree of whole rows, and SQLite reads the full payload of a cell,
 * overflow pages included, every time it compares a search key with it on the way down. ScriptMaps values
 * are 2 to 5 KB, so every lookup of a property (and every upsert) read about ten pages: reading the 21 000
 * lists of a 100 000-key server took 220 000 page reads, rewriting them 750 000. SQLite's documentation
 * advises against WITHOUT ROWID for rows larger than about a twentieth of a page. As a rowid table, an
 * index lookup compares small keys and reads a list's pages once (the same read: 220 000 -> 42 000 page
 * reads, 300 ms -> 100 ms). Columns, names and constraints stay as they were.
 *
 * It rebuilds the table with whatever columns it has when it runs (later migrations may have added some),
 * keeping every row and its order. Frozen in time (Kysely<any>); openStore runs it inside its write
 * transaction.
 */
const FIRST_COLUMNS = ['key_id', 'name_lc', 'name', 'ord', 'prop_id', 'data_type', 'user_type', 'attributes', 'value'];

export async function up(db: Kysely<any>): Promise<void> {
  const info = await sql<{ name: string; type: string }>`select name, type from pragma_table_info('mb_property')`.execute(db);
  const added = info.rows.filter((c) => !FIRST_COLUMNS.includes(c.name));
  const columns = [...FIRST_COLUMNS, ...added.map((c) => c.name)];
  const list = sql.join(columns.map((c) => sql.ref(c)));
  await sql`
    create table mb_property_rowid (
      key_id integer not null references mb_key (id) on delete cascade,
      name_lc text not null,
      name text not null,
      ord integer not null,
      prop_id integer,
      data_type text,
      user_type text,
      attributes text,
      value text not null
      ${sql.raw(added.map((c) => `, "${c.name.replace(/"/g, '""')}" ${c.type}`).join(''))}
    )`.execute(db);
  await sql`insert into mb_property_rowid (${list}) select ${list} from mb_property order by key_id, ord`.execute(db);
  await sql`drop table mb_property`.execute(db);
  await sql`alter table mb_property_rowid rename to mb_property`.execute(db);
  await sql`create unique index mb_property_key on mb_property (key_id, name_lc)`.execute(db);
  await sql`create index mb_property_name on mb_property (name_lc, key_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  const info = await sql<{ name: string; type: string }>`select name, type from pragma_table_info('mb_property')`.execute(db);
  const added = info.rows.filter((c) => !FIRST_COLUMNS.includes(c.name));
  const columns = [...FIRST_COLUMNS, ...added.map((c) => c.name)];
  const list = sql.join(columns.map((c) => sql.ref(c)));
  await sql`
    create table mb_property_keyed (
      key_id integer not null references mb_key (id) on delete cascade,
      name_lc text not null,
      name text not null,
      ord integer not null,
      prop_id integer,
      data_type text,
      user_type text,
      attributes text,
      value text not null
      ${sql.raw(added.map((c) => `, "${c.name.replace(/"/g, '""')}" ${c.type}`).join(''))},
      constraint mb_property_pk primary key (key_id, name_lc)
    ) without rowid`.execute(db);
  await sql`insert into mb_property_keyed (${list}) select ${list} from mb_property`.execute(db);
  await sql`drop table mb_property`.execute(db);
  await sql`alter table mb_property_keyed rename to mb_property`.execute(db);
  await sql`create index mb_property_name on mb_property (name_lc, key_id)`.execute(db);
}
