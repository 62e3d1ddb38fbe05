import type { Kysely } from 'kysely';
import type { MachineState } from '../machine/machine.js';
import type { WorkerView } from '../machine/diff.js';
import type { Database, SnapshotRow } from './schema.js';
import { loadMachine, snapshotTables } from './machine-repo.js';
import { dropUnusedValues } from './shared-values.js';
import { type Db, rawOf } from './raw.js';

/**
 * Named snapshots, kept in the machine file (see the migration `2026_11_21_020_snapshots` for why as tables).
 * Saving copies every machine table with one `INSERT ... SELECT` each; restoring writes back, table by table,
 * the rows that differ. The logs are never copied and never touched.
 */

/**
 * The machine's tables and their snapshot copies, with the columns both hold and the columns that identify a
 * row (a unique key of the live table); copied in this order, parents before children.
 */
const COPIES = [
  { live: 'mb_key', copy: 'snapshot_key', key: ['id'], columns: ['id', 'path', 'path_lc', 'parent_id', 'key_type', 'ord', 'xml_comments'] },
  {
    live: 'mb_property',
    copy: 'snapshot_property',
    key: ['key_id', 'name_lc'],
    columns: ['key_id', 'name_lc', 'name', 'ord', 'prop_id', 'data_type', 'user_type', 'attributes', 'value', 'shared_id', 'xml_form'],
  },
  { live: 'framework', copy: 'snapshot_framework', key: ['version'], columns: ['version', 'installed', 'registered', 'isapi_present'] },
  { live: 'directory', copy: 'snapshot_directory', key: ['path_lc'], columns: ['path_lc', 'path'] },
  { live: 'grant_entry', copy: 'snapshot_grant', key: ['id'], columns: ['id', 'principal', 'version'] },
  { live: 'worker_process', copy: 'snapshot_worker', key: ['id'], columns: ['id', 'image', 'pool', 'clr', 'started_at'] },
  { live: 'app_domain', copy: 'snapshot_app_domain', key: ['worker_id', 'app_path_lc'], columns: ['worker_id', 'app_path_lc', 'app_path', 'clr', 'started_at'] },
  { live: 'worker_outdated', copy: 'snapshot_worker_outdated', key: ['worker_id', 'app_path'], columns: ['worker_id', 'app_path', 'command', 'time'] },
] as const;

const MACHINE_COLUMNS = ['profile', 'os', 'windir', 'setup_log_counter', 'state_service', 'perf_counters', 'aspnet_account', 'created_at', 'xml_namespace'] as const;

const list = (columns: readonly string[]): string => columns.map((c) => `"${c}"`).join(', ');

export async function findSnapshot(db: Kysely<Database>, name: string): Promise<SnapshotRow | undefined> {
  return db.selectFrom('snapshot').selectAll().where('name_lc', '=', name.toLowerCase()).executeTakeFirst();
}

export interface SnapshotSummary {
  readonly name: string;
  readonly takenAt: string;
  readonly profile: string;
  readonly keys: number;
}

export async function listSnapshots(db: Kysely<Database>): Promise<SnapshotSummary[]> {
  const rows = await db
    .selectFrom('snapshot')
    .select((eb) => [
      'name',
      'taken_at',
      'profile',
      eb.selectFrom('snapshot_key').whereRef('snapshot_key.snapshot_id', '=', 'snapshot.id').select(eb.fn.countAll<number>().as('n')).as('keys'),
    ])
    .orderBy('taken_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ name: r.name, takenAt: r.taken_at, profile: r.profile, keys: Number(r.keys ?? 0) }));
}

/** Copies the whole machine, logs aside, under a new snapshot; returns its id. */
export async function saveSnapshot(db: Db, name: string, takenAt: string): Promise<number> {
  // Plain SQL on the raw connection: one statement a table, no query builder to load.
  const sqlite = rawOf(db);
  const id = sqlite
    .prepare(`insert into snapshot (name, name_lc, taken_at, ${list(MACHINE_COLUMNS)}) select ?, ?, ?, ${list(MACHINE_COLUMNS)} from machine returning id`)
    .pluck()
    .get(name, name.toLowerCase(), takenAt) as number;
  for (const t of COPIES) {
    sqlite.prepare(`insert into "${t.copy}" (snapshot_id, ${list(t.columns)}) select ?, ${list(t.columns)} from "${t.live}"`).run(id);
  }
  return id;
}

/**
 * Replaces the machine (logs aside) with a snapshot's copy, rows and ids as they were (shared values too).
 *
 * Only the rows that differ are written: a restore usually undoes a few commands, and rewriting all of a
 * hosting server's rows and their indexes took seconds. Per table, with set-based statements inside SQLite:
 * every live row the snapshot does not hold exactly as it is goes (children's tables first; deleting a key
 * takes its properties and subkeys with it), then every snapshot row the machine no longer holds comes back
 * (parents' tables first).
 */
export async function restoreSnapshot(db: Db, id: number): Promise<void> {
  const sqlite = rawOf(db);
  for (const t of [...COPIES].reverse()) {
    const same = t.columns.map((c) => (t.key.includes(c as never) ? `s."${c}" = "${t.live}"."${c}"` : `s."${c}" is "${t.live}"."${c}"`)).join(' and ');
    sqlite.prepare(`delete from "${t.live}" where not exists (select 1 from "${t.copy}" s where s.snapshot_id = ? and ${same})`).run(id);
  }
  sqlite.prepare(`update machine set (${list(MACHINE_COLUMNS)}) = (select ${list(MACHINE_COLUMNS)} from snapshot where id = ?)`).run(id);
  for (const t of COPIES) {
    const found = t.key.map((c) => `l."${c}" = s."${c}"`).join(' and ');
    sqlite
      .prepare(`insert into "${t.live}" (${list(t.columns)}) select ${list(t.columns)} from "${t.copy}" s where s.snapshot_id = ? and not exists (select 1 from "${t.live}" l where ${found})`)
      .run(id);
  }
  dropUnusedValues(sqlite);
}

export async function deleteSnapshot(db: Kysely<Database>, id: number): Promise<void> {
  await db.deleteFrom('snapshot').where('id', '=', id).execute();
  dropUnusedValues(rawOf(db));
}

/** A machine as the diff reads it: its state and its worker processes. */
export interface MachineImage {
  readonly state: MachineState;
  readonly workers: WorkerView[];
}

/** The machine as it is now. */
export async function loadCurrentImage(db: Kysely<Database>): Promise<MachineImage> {
  const { state } = await loadMachine(db);
  const workers = await db.selectFrom('worker_process').selectAll().orderBy('id').execute();
  const domains = await db.selectFrom('app_domain').selectAll().orderBy('worker_id').orderBy('app_path_lc').execute();
  return { state, workers: workerViews(workers, domains) };
}

/** The machine as a snapshot holds it. */
export async function loadSnapshotImage(db: Kysely<Database>, snapshot: SnapshotRow): Promise<MachineImage> {
  const id = snapshot.id;
  const { state } = await loadMachine(db, {}, snapshotTables(id));
  const workers = await db.selectFrom('snapshot_worker').selectAll().where('snapshot_id', '=', id).orderBy('id').execute();
  const domains = await db.selectFrom('snapshot_app_domain').selectAll().where('snapshot_id', '=', id).orderBy('worker_id').orderBy('app_path_lc').execute();
  return { state, workers: workerViews(workers, domains) };
}

function workerViews(
  workers: readonly { id: number; image: string; pool: string | null; clr: string | null; started_at: string }[],
  domains: readonly { worker_id: number; app_path: string; clr: string }[],
): WorkerView[] {
  const byWorker = new Map<number, { path: string; clr: string }[]>();
  for (const d of domains) {
    const list = byWorker.get(d.worker_id) ?? [];
    list.push({ path: d.app_path, clr: d.clr });
    byWorker.set(d.worker_id, list);
  }
  return workers.map((w) => ({ id: w.id, image: w.image, pool: w.pool, clr: w.clr, startedAt: w.started_at, appDomains: byWorker.get(w.id) ?? [] }));
}

/** Empties both logs (a scenario's copy of a machine starts with fresh logs). */
export async function clearLogs(db: Kysely<Database>): Promise<void> {
  await db.deleteFrom('app_event').execute();
  await db.deleteFrom('audit_entry').execute();
}
