import { type Kysely, sql } from 'kysely';

/**
 * Named snapshots of the machine (metabase-cli.md: `snapshot save|list|restore|delete`, `diff`). Frozen in time.
 *
 * Why tables and not a serialized blob: a snapshot is copied with one `INSERT ... SELECT` per table, and
 * restored the same way, so at 100k keys saving or restoring is a handful of set-based statements run inside
 * SQLite; no row passes through JavaScript, and nothing has to be parsed or re-inserted key by key. The rows
 * keep their ids, so a restore gives back the same key ids, parents and sibling order. The price is disk: a
 * full copy per snapshot (a blob of compressed JSON would be smaller, but would cost a whole load and
 * serialisation of the machine to save, and a whole parse and bulk insert to restore).
 *
 * Each table mirrors a machine table with a `snapshot_id` in front; deleting a snapshot cascades to its rows.
 * The logs are not copied: a snapshot holds the machine without its logs (machine.md §6). Nor is
 * `worker_counter`: worker numbers are never reused, so a restore keeps counting from where the machine is.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('snapshot')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_lc', 'text', (c) => c.notNull().unique())
    .addColumn('taken_at', 'text', (c) => c.notNull())
    // The `machine` row as it was.
    .addColumn('profile', 'text', (c) => c.notNull())
    .addColumn('os', 'text', (c) => c.notNull())
    .addColumn('windir', 'text', (c) => c.notNull())
    .addColumn('setup_log_counter', 'integer', (c) => c.notNull())
    .addColumn('state_service', 'text')
    .addColumn('perf_counters', 'text')
    .addColumn('aspnet_account', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  const snapshotId = (table: string) =>
    db.schema.createTable(table).addColumn('snapshot_id', 'integer', (c) => c.notNull().references('snapshot.id').onDelete('cascade'));

  await snapshotId('snapshot_key')
    .addColumn('id', 'integer', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('path_lc', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'integer')
    .addColumn('key_type', 'text', (c) => c.notNull())
    .addColumn('ord', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('snapshot_key_pk', ['snapshot_id', 'id'])
    .modifyEnd(sql`without rowid`)
    .execute();

  await snapshotId('snapshot_property')
    .addColumn('key_id', 'integer', (c) => c.notNull())
    .addColumn('name_lc', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('ord', 'integer', (c) => c.notNull())
    .addColumn('prop_id', 'integer')
    .addColumn('data_type', 'text')
    .addColumn('user_type', 'text')
    .addColumn('attributes', 'text')
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('snapshot_property_pk', ['snapshot_id', 'key_id', 'name_lc'])
    .modifyEnd(sql`without rowid`)
    .execute();

  await snapshotId('snapshot_framework')
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('installed', 'integer', (c) => c.notNull())
    .addColumn('registered', 'integer', (c) => c.notNull())
    .addColumn('isapi_present', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('snapshot_framework_pk', ['snapshot_id', 'version'])
    .execute();

  await snapshotId('snapshot_directory')
    .addColumn('path_lc', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('snapshot_directory_pk', ['snapshot_id', 'path_lc'])
    .execute();

  await snapshotId('snapshot_grant')
    .addColumn('id', 'integer', (c) => c.notNull())
    .addColumn('principal', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('snapshot_grant_pk', ['snapshot_id', 'id'])
    .execute();

  await snapshotId('snapshot_worker')
    .addColumn('id', 'integer', (c) => c.notNull())
    .addColumn('image', 'text', (c) => c.notNull())
    .addColumn('pool', 'text')
    .addColumn('clr', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('snapshot_worker_pk', ['snapshot_id', 'id'])
    .execute();

  await snapshotId('snapshot_app_domain')
    .addColumn('worker_id', 'integer', (c) => c.notNull())
    .addColumn('app_path_lc', 'text', (c) => c.notNull())
    .addColumn('app_path', 'text', (c) => c.notNull())
    .addColumn('clr', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('snapshot_app_domain_pk', ['snapshot_id', 'worker_id', 'app_path_lc'])
    .execute();

  await snapshotId('snapshot_worker_outdated')
    .addColumn('worker_id', 'integer', (c) => c.notNull())
    .addColumn('app_path', 'text', (c) => c.notNull())
    .addColumn('command', 'text', (c) => c.notNull())
    .addColumn('time', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('snapshot_worker_outdated_pk', ['snapshot_id', 'worker_id', 'app_path'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'snapshot_worker_outdated',
    'snapshot_app_domain',
    'snapshot_worker',
    'snapshot_grant',
    'snapshot_directory',
    'snapshot_framework',
    'snapshot_property',
    'snapshot_key',
    'snapshot',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
