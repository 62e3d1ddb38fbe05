import { type Kysely, sql } from 'kysely';
import type { Runtime, WorkerImage, WorkerProcess } from '../iis/runtime.js';
import type { Database } from './schema.js';

/**
 * Worker processes, their CLRs and AppDomains (machine.md §5) as rows. The model is `iis/runtime.ts`; this
 * only reads it and writes it back whole (a server runs a handful of processes).
 */

export async function loadRuntime(db: Kysely<Database>): Promise<Runtime> {
  const workers = await db.selectFrom('worker_process').selectAll().orderBy('id').execute();
  const domains = await db.selectFrom('app_domain').selectAll().orderBy('worker_id').orderBy(sql`rowid`).execute();
  const outdated = await db.selectFrom('worker_outdated').selectAll().orderBy('worker_id').orderBy(sql`rowid`).execute();
  const counter = await db.selectFrom('worker_counter').select('last_id').executeTakeFirst();
  return {
    lastId: counter?.last_id ?? 0,
    workers: workers.map(
      (row): WorkerProcess => ({
        id: row.id,
        image: row.image as WorkerImage,
        pool: row.pool ?? undefined,
        clr: row.clr ?? undefined,
        startedAt: row.started_at,
        appDomains: domains.filter((d) => d.worker_id === row.id).map((d) => ({ application: d.app_path, clr: d.clr, startedAt: d.started_at })),
        outdated: outdated.filter((o) => o.worker_id === row.id).map((o) => ({ application: o.app_path, command: o.command, time: o.time })),
      }),
    ),
  };
}

/** Replaces the stored runtime with `runtime`, in the caller's transaction. */
export async function saveRuntime(db: Kysely<Database>, runtime: Runtime): Promise<void> {
  await db.deleteFrom('worker_outdated').execute();
  await db.deleteFrom('app_domain').execute();
  await db.deleteFrom('worker_process').execute();
  await db
    .insertInto('worker_counter')
    .values({ id: 1, last_id: runtime.lastId })
    .onConflict((oc) => oc.column('id').doUpdateSet({ last_id: runtime.lastId }))
    .execute();
  if (runtime.workers.length === 0) return;
  await db
    .insertInto('worker_process')
    .values(runtime.workers.map((w) => ({ id: w.id, image: w.image, pool: w.pool ?? null, clr: w.clr ?? null, started_at: w.startedAt })))
    .execute();
  const domains = runtime.workers.flatMap((w) =>
    w.appDomains.map((d) => ({ worker_id: w.id, app_path_lc: d.application.toLowerCase(), app_path: d.application, clr: d.clr, started_at: d.startedAt })),
  );
  for (let i = 0; i < domains.length; i += 500) await db.insertInto('app_domain').values(domains.slice(i, i + 500)).execute();
  const outdated = runtime.workers.flatMap((w) => w.outdated.map((o) => ({ worker_id: w.id, app_path: o.application, command: o.command, time: o.time })));
  for (let i = 0; i < outdated.length; i += 500) await db.insertInto('worker_outdated').values(outdated.slice(i, i + 500)).execute();
}
