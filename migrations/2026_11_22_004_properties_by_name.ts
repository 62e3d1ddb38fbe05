import { type Kysely, sql } from 'kysely';

/**
 * `mb_property` is stored by property name: a WITHOUT ROWID table keyed by (name_lc, key_id), with a unique
 * index on (key_id, name_lc) for reading one key's row.
 *
 * Why: the commands that cost the most read and rewrite one property across a whole server: ScriptMaps
 * (`-i`, `-r`, `-u`, `-k`), AppRoot, Path. Stored in key order, the 11 000 lists `-r` rewrites on a
 * 100 000-key machine sat on nearly every page of the table, so one run dirtied (and wrote twice, to the WAL
 * and back) some 20 MB. Stored by name they sit together. Migration 2026_11_21_030 made the table a rowid
 * table because WITHOUT ROWID cells held multi-kilobyte lists; since 2026_11_22_003 long values live in
 * `mb_shared_value`, and a row is a few dozen bytes.
 *
 * `snapshot_property` is keyed the same way, (snapshot_id, name_lc, key_id), so that saving and restoring a
 * snapshot copy rows in the order both tables store them.
 *
 * Columns, rows and constraints stay as they were. Frozen in time (Kysely<any>).
 */
const COLUMNS = ['key_id', 'name_lc', 'name', 'ord', 'prop_id', 'data_type', 'user_type', 'attributes', 'value', 'xml_form', 'shared_id'];

/** A property row's columns after its key column(s), and the rule that holds one value or one shared id. */
const PROPERTY = sql`
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
      check ((value is null) <> (shared_id is null))`;

export async function up(db: Kysely<any>): Promise<void> {
  await rebuildProperties(db, 'by name');
  await rebuildSnapshotProperties(db, sql`snapshot_id, name_lc, key_id`);
}

export async function down(db: Kysely<any>): Promise<void> {
  await rebuildProperties(db, 'by key');
  await rebuildSnapshotProperties(db, sql`snapshot_id, key_id, name_lc`);
}

/**
 * Rebuilds `mb_property`, every row kept: by name (WITHOUT ROWID, keyed (name_lc, key_id)), or by key (the
 * rowid table of 2026_11_22_003, rows in key order, with its (name_lc, key_id) index).
 */
async function rebuildProperties(db: Kysely<any>, layout: 'by name' | 'by key'): Promise<void> {
  const list = sql.join(COLUMNS.map((c) => sql.ref(c)));
  const byName = layout === 'by name';
  await sql`
    create table mb_property_rebuilt (
      key_id integer not null references mb_key (id) on delete cascade,${PROPERTY}
      ${byName ? sql`, primary key (name_lc, key_id)) without rowid` : sql`)`}`.execute(db);
  await sql`insert into mb_property_rebuilt (${list}) select ${list} from mb_property ${byName ? sql`` : sql`order by key_id, ord`}`.execute(db);
  await sql`drop table mb_property`.execute(db);
  await sql`alter table mb_property_rebuilt rename to mb_property`.execute(db);
  await sql`create unique index mb_property_key on mb_property (key_id, name_lc)`.execute(db);
  if (!byName) await sql`create index mb_property_name on mb_property (name_lc, key_id)`.execute(db);
  await sql`create index mb_property_shared on mb_property (shared_id) where shared_id is not null`.execute(db);
}

/** Rebuilds `snapshot_property` with the given primary key, every row kept. */
async function rebuildSnapshotProperties(db: Kysely<any>, key: ReturnType<typeof sql>): Promise<void> {
  const list = sql.join(COLUMNS.map((c) => sql.ref(c)));
  await sql`
    create table snapshot_property_keyed (
      snapshot_id integer not null references snapshot (id) on delete cascade,
      key_id integer not null,${PROPERTY},
      constraint snapshot_property_pk primary key (${key})
    ) without rowid`.execute(db);
  await sql`insert into snapshot_property_keyed (snapshot_id, ${list}) select snapshot_id, ${list} from snapshot_property`.execute(db);
  await sql`drop table snapshot_property`.execute(db);
  await sql`alter table snapshot_property_keyed rename to snapshot_property`.execute(db);
  await sql`create index snapshot_property_shared on snapshot_property (shared_id) where shared_id is not null`.execute(db);
}
