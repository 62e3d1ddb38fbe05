import { type Kysely, sql } from 'kysely';

/**
 * What the runtime simulation keeps beyond the first schema's worker processes and AppDomains (machine.md §5):
 * - `worker_outdated`: a worker process that had loaded its CLR when a run changed an application of its pool
 *   without a restart (`-norestart`) keeps that CLR, and `metabase check` says so. One row per worker and
 *   application; the rows go with their worker.
 * - `worker_counter`: the number of the last worker process started, so that numbers are never reused.
 * Frozen in time (Kysely<any>).
 */
export async function up(db: Kysely<any>): Promise<void> {
  // openStore runs every pending migration inside its own write transaction, so no transaction here.
  await db.schema
    .createTable('worker_outdated')
    .addColumn('worker_id', 'integer', (c) => c.notNull().references('worker_process.id').onDelete('cascade'))
    .addColumn('app_path', 'text', (c) => c.notNull())
    .addColumn('command', 'text', (c) => c.notNull())
    .addColumn('time', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('worker_outdated_pk', ['worker_id', 'app_path'])
    .execute();
  await db.schema
    .createTable('worker_counter')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('last_id', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('worker_counter').execute();
  await db.schema.dropTable('worker_outdated').execute();
}
