import { type Kysely, sql } from 'kysely';

/**
 * The first schema: one virtual Windows server per file. Frozen in time: it types the database as `any` and
 * must never change once released; later changes come as new migrations.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('machine')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('profile', 'text', (c) => c.notNull())
    .addColumn('os', 'text', (c) => c.notNull())
    .addColumn('windir', 'text', (c) => c.notNull())
    .addColumn('setup_log_counter', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('state_service', 'text')
    .addColumn('perf_counters', 'text')
    .addColumn('aspnet_account', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // Keys in creation order (`ord`), which is the order -lk and export list siblings in.
  await db.schema
    .createTable('mb_key')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('path_lc', 'text', (c) => c.notNull().unique())
    .addColumn('parent_id', 'integer', (c) => c.references('mb_key.id').onDelete('cascade'))
    .addColumn('key_type', 'text', (c) => c.notNull())
    .addColumn('ord', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('mb_key_parent').on('mb_key').columns(['parent_id', 'ord']).execute();

  // One row per property; MULTISZ values are JSON arrays, every other value the text the metabase holds.
  await db.schema
    .createTable('mb_property')
    .addColumn('key_id', 'integer', (c) => c.notNull().references('mb_key.id').onDelete('cascade'))
    .addColumn('name_lc', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('ord', 'integer', (c) => c.notNull())
    .addColumn('prop_id', 'integer')
    .addColumn('data_type', 'text')
    .addColumn('user_type', 'text')
    .addColumn('attributes', 'text')
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('mb_property_pk', ['key_id', 'name_lc'])
    .modifyEnd(sql`without rowid`)
    .execute();
  await db.schema.createIndex('mb_property_name').on('mb_property').columns(['name_lc', 'key_id']).execute();

  await db.schema
    .createTable('framework')
    .addColumn('version', 'text', (c) => c.primaryKey())
    .addColumn('installed', 'integer', (c) => c.notNull())
    .addColumn('registered', 'integer', (c) => c.notNull())
    .addColumn('isapi_present', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('directory')
    .addColumn('path_lc', 'text', (c) => c.primaryKey())
    .addColumn('path', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('grant_entry')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('principal', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .execute();

  // Runtime: worker processes and their AppDomains (machine.md §5).
  await db.schema
    .createTable('worker_process')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('image', 'text', (c) => c.notNull())
    .addColumn('pool', 'text')
    .addColumn('clr', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('app_domain')
    .addColumn('worker_id', 'integer', (c) => c.notNull().references('worker_process.id').onDelete('cascade'))
    .addColumn('app_path_lc', 'text', (c) => c.notNull())
    .addColumn('app_path', 'text', (c) => c.notNull())
    .addColumn('clr', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('app_domain_pk', ['worker_id', 'app_path_lc'])
    .execute();

  // The two logs, append-only (machine.md §6).
  await db.schema
    .createTable('app_event')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('time', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('event_id', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('audit_entry')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('time', 'text', (c) => c.notNull())
    .addColumn('run', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['audit_entry', 'app_event', 'app_domain', 'worker_process', 'grant_entry', 'directory', 'framework', 'mb_property', 'mb_key', 'machine']) {
    await db.schema.dropTable(table).execute();
  }
}
