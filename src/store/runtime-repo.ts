import type { Runtime, WorkerImage, WorkerProcess } from '../iis/runtime.js';
import { type Db, rawOf, statement } from './raw.js';

/**
 * Worker processes, their CLRs and AppDomains (machine.md §5) as rows. The model is `iis/runtime.ts`; this
 * only reads it and writes it back whole (a server runs a handful of processes). Raw statements: every
 * run of the tool writes it.
 */

type WorkerRow = [id: number, image: string, pool: string | null, clr: string | null, started_at: string];
type DomainRow = [worker_id: number, app_path: string, clr: string, started_at: string];
type OutdatedRow = [worker_id: number, app_path: string, command: string, time: string];

export async function loadRuntime(db: Db): Promise<Runtime> {
  const sqlite = rawOf(db);
  const workers = statement(sqlite, 'select id, image, pool, clr, started_at from worker_process order by id').raw(true).all() as WorkerRow[];
  const domains = statement(sqlite, 'select worker_id, app_path, clr, started_at from app_domain order by worker_id, rowid').raw(true).all() as DomainRow[];
  const outdated = statement(sqlite, 'select worker_id, app_path, command, time from worker_outdated order by worker_id, rowid').raw(true).all() as OutdatedRow[];
  const counter = statement(sqlite, 'select last_id from worker_counter').raw(true).get() as [number] | undefined;
  return {
    lastId: counter?.[0] ?? 0,
    workers: workers.map(
      ([id, image, pool, clr, startedAt]): WorkerProcess => ({
        id,
        image: image as WorkerImage,
        pool: pool ?? undefined,
        clr: clr ?? undefined,
        startedAt,
        appDomains: domains.filter((d) => d[0] === id).map(([, application, clr, startedAt]) => ({ application, clr, startedAt })),
        outdated: outdated.filter((o) => o[0] === id).map(([, application, command, time]) => ({ application, command, time })),
      }),
    ),
  };
}

/** Replaces the stored runtime with `runtime`, in the caller's transaction. */
export async function saveRuntime(db: Db, runtime: Runtime): Promise<void> {
  const sqlite = rawOf(db);
  statement(sqlite, 'delete from worker_outdated').run();
  statement(sqlite, 'delete from app_domain').run();
  statement(sqlite, 'delete from worker_process').run();
  statement(sqlite, 'insert into worker_counter (id, last_id) values (1, ?) on conflict (id) do update set last_id = excluded.last_id').run(runtime.lastId);
  const worker = statement(sqlite, 'insert into worker_process (id, image, pool, clr, started_at) values (?, ?, ?, ?, ?)');
  const domain = statement(sqlite, 'insert into app_domain (worker_id, app_path_lc, app_path, clr, started_at) values (?, ?, ?, ?, ?)');
  const outdated = statement(sqlite, 'insert into worker_outdated (worker_id, app_path, command, time) values (?, ?, ?, ?)');
  for (const w of runtime.workers) {
    worker.run(w.id, w.image, w.pool ?? null, w.clr ?? null, w.startedAt);
    for (const d of w.appDomains) domain.run(w.id, d.application.toLowerCase(), d.application, d.clr, d.startedAt);
    for (const o of w.outdated) outdated.run(w.id, o.application, o.command, o.time);
  }
}
