import type { Kysely } from 'kysely';

/**
 * Snapshots keep what MetaBase.xml says beyond keys and values (the columns 2026_11_22_001 added to the live
 * tables), so that a restored machine exports as it did when it was saved. Frozen in time.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('snapshot_property').addColumn('xml_form', 'text').execute();
  await db.schema.alterTable('snapshot_key').addColumn('xml_comments', 'text').execute();
  await db.schema.alterTable('snapshot').addColumn('xml_namespace', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('snapshot').dropColumn('xml_namespace').execute();
  await db.schema.alterTable('snapshot_key').dropColumn('xml_comments').execute();
  await db.schema.alterTable('snapshot_property').dropColumn('xml_form').execute();
}
