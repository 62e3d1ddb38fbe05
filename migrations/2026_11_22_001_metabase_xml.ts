import type { Kysely } from 'kysely';

/**
 * What MetaBase.xml says beyond keys and values, so that an imported file is exported again as it was: how
 * each property was written (an attribute, or a `Custom` element and the fields it left out), the comments
 * IIS keeps before a key, and the namespace of `<configuration>`. Frozen in time: it types the database as
 * `any` and must never change once released. It runs inside the transaction that opening the file holds.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('mb_property').addColumn('xml_form', 'text').execute();
  await db.schema.alterTable('mb_key').addColumn('xml_comments', 'text').execute();
  await db.schema.alterTable('machine').addColumn('xml_namespace', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('machine').dropColumn('xml_namespace').execute();
  await db.schema.alterTable('mb_key').dropColumn('xml_comments').execute();
  await db.schema.alterTable('mb_property').dropColumn('xml_form').execute();
}
