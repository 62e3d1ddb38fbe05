import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';

/**
 * Long values are stored once, in `mb_shared_value`, and property rows (live and in snapshots) refer to them.
 *
 * Why: a hosting server holds twenty thousand copies of a dozen ScriptMaps lists, 3 to 4 KB of JSON each.
 * Stored in every row they were 72 MB of a 100 000-key machine's 77 MB of values: `-r` rewrote all of it,
 * a snapshot copied all of it, a restore wrote it back. Referenced, `-r` rewrites twenty thousand small
 * integers and a snapshot copies them.
 *
 * - `mb_shared_value` holds each distinct value once, found by its SHA-256 (`digest`): an index of digests
 *   stays small where an index of 4 KB texts would copy them all. Its ids are never reused
 *   (AUTOINCREMENT), so a reader can cache a value by id.
 * - A property row holds either its text in `value` or the id of a shared value in `shared_id`, never both.
 *   Which values are shared is the writers' choice (`src/store/shared-values.ts`; this migration moves
 *   values of 256 characters or more); readers take whichever column is set.
 *
 * `mb_property` and `snapshot_property` are rebuilt (SQLite cannot drop a NOT NULL), keeping every row, its
 * order and the tables' keys and indexes. Frozen in time (Kysely<any>).
 */
const COLUMNS = ['key_id', 'name_lc', 'name', 'ord', 'prop_id', 'data_type', 'user_type', 'attributes'];
const SHARED_FROM = 256;

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table mb_shared_value (
      id integer primary key autoincrement,
      digest blob not null unique,
      value text not null
    )`.execute(db);
  const long = await sql<{ value: string }>`
    select value from mb_property where length(value) >= ${SHARED_FROM}
    union select value from snapshot_property where length(value) >= ${SHARED_FROM}`.execute(db);
  for (const { value } of long.rows) await sql`insert into mb_shared_value (digest, value) values (${digest(value)}, ${value})`.execute(db);
  // Only while the rows are copied: each long text finds its id once.
  await sql`create index mb_shared_value_text on mb_shared_value (value)`.execute(db);

  const columns = sql.join(COLUMNS.map((c) => sql.ref(c)));
  const stored = sql`
    case when length(value) >= ${SHARED_FROM} then null else value end,
    case when length(value) >= ${SHARED_FROM} then (select s.id from mb_shared_value s where s.value = t.value) end`;

  await sql`
    create table mb_property_shared (
      key_id integer not null references mb_key (id) on delete cascade,
      name_lc text not null,
      name text not null,
      ord integer not null,
      prop_id integer,
      data_type text,
      user_type text,
      attributes text,
      value text,
      xml_form text,
      shared_id integer references mb_shared_value (id),
      check ((value is null) <> (shared_id is null))
    )`.execute(db);
  await sql`insert into mb_property_shared (${columns}, value, shared_id, xml_form)
    select ${columns}, ${stored}, xml_form from mb_property t order by key_id, ord`.execute(db);
  await sql`drop table mb_property`.execute(db);
  await sql`alter table mb_property_shared rename to mb_property`.execute(db);
  await sql`create unique index mb_property_key on mb_property (key_id, name_lc)`.execute(db);
  await sql`create index mb_property_name on mb_property (name_lc, key_id)`.execute(db);
  await sql`create index mb_property_shared on mb_property (shared_id) where shared_id is not null`.execute(db);

  await sql`
    create table snapshot_property_shared (
      snapshot_id integer not null references snapshot (id) on delete cascade,
      key_id integer not null,
      name_lc text not null,
      name text not null,
      ord integer not null,
      prop_id integer,
      data_type text,
      user_type text,
      attributes text,
      value text,
      xml_form text,
      shared_id integer references mb_shared_value (id),
      check ((value is null) <> (shared_id is null)),
      constraint snapshot_property_pk primary key (snapshot_id, key_id, name_lc)
    ) without rowid`.execute(db);
  await sql`insert into snapshot_property_shared (snapshot_id, ${columns}, value, shared_id, xml_form)
    select snapshot_id, ${columns}, ${stored}, xml_form from snapshot_property t`.execute(db);
  await sql`drop table snapshot_property`.execute(db);
  await sql`alter table snapshot_property_shared rename to snapshot_property`.execute(db);
  await sql`create index snapshot_property_shared on snapshot_property (shared_id) where shared_id is not null`.execute(db);

  await sql`drop index mb_shared_value_text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  const columns = sql.join(COLUMNS.map((c) => sql.ref(c)));
  const value = sql`coalesce(t.value, (select s.value from mb_shared_value s where s.id = t.shared_id))`;
  await sql`
    create table mb_property_inline (
      key_id integer not null references mb_key (id) on delete cascade,
      name_lc text not null,
      name text not null,
      ord integer not null,
      prop_id integer,
      data_type text,
      user_type text,
      attributes text,
      value text not null,
      xml_form text
    )`.execute(db);
  await sql`insert into mb_property_inline (${columns}, value, xml_form) select ${columns}, ${value}, xml_form from mb_property t order by key_id, ord`.execute(db);
  await sql`drop table mb_property`.execute(db);
  await sql`alter table mb_property_inline rename to mb_property`.execute(db);
  await sql`create unique index mb_property_key on mb_property (key_id, name_lc)`.execute(db);
  await sql`create index mb_property_name on mb_property (name_lc, key_id)`.execute(db);

  await sql`
    create table snapshot_property_inline (
      snapshot_id integer not null references snapshot (id) on delete cascade,
      key_id integer not null,
      name_lc text not null,
      name text not null,
      ord integer not null,
      prop_id integer,
      data_type text,
      user_type text,
      attributes text,
      value text not null,
      xml_form text,
      constraint snapshot_property_pk primary key (snapshot_id, key_id, name_lc)
    ) without rowid`.execute(db);
  await sql`insert into snapshot_property_inline (snapshot_id, ${columns}, value, xml_form)
    select snapshot_id, ${columns}, ${value}, xml_form from snapshot_property t`.execute(db);
  await sql`drop table snapshot_property`.execute(db);
  await sql`alter table snapshot_property_inline rename to snapshot_property`.execute(db);
  await sql`drop table mb_shared_value`.execute(db);
}
