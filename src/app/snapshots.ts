import { type MachineDiff, type WorkerDelta, diffMachines, diffWorkers } from '../machine/diff.js';
import { snapshotNameProblem } from '../machine/snapshot-name.js';
import type { Store } from '../store/open.js';
import { appendAudit } from '../store/log-repo.js';
import {
  type MachineImage,
  type SnapshotSummary,
  deleteSnapshot,
  findSnapshot,
  listSnapshots,
  loadCurrentImage,
  loadSnapshotImage,
  restoreSnapshot,
  saveSnapshot,
} from '../store/snapshot-repo.js';
import type { SnapshotRow } from '../store/schema.js';
import { CommandError, badInput, notFound } from './errors.js';
import type { Clock } from './clock.js';

/** Refuses a name that is not a plain word (no path characters); the message names it and says why. */
export function checkSnapshotName(name: string): void {
  const problem = snapshotNameProblem(name);
  if (problem !== undefined) throw badInput(`snapshot name ${JSON.stringify(name)}: ${problem}`);
}

async function requireSnapshot(store: Store, name: string): Promise<SnapshotRow> {
  checkSnapshotName(name);
  const row = await findSnapshot(await store.kysely(), name);
  if (!row) throw notFound(`no snapshot named ${name} (metabase snapshot list)`);
  return row;
}

/** `snapshot save NAME`: one transaction; an existing name is refused rather than overwritten. */
export async function takeSnapshot(store: Store, clock: Clock, commandLine: string, name: string): Promise<{ name: string; takenAt: string }> {
  checkSnapshotName(name);
  return store.write(async () => {
    const existing = await findSnapshot(await store.kysely(), name);
    if (existing) throw new CommandError('conflict', `a snapshot named ${existing.name} already exists (metabase snapshot delete ${existing.name} first)`);
    const takenAt = clock.now();
    await saveSnapshot(store.sqlite, name, takenAt);
    await appendAudit(store.sqlite, [{ kind: 'snapshot', text: `${commandLine}: snapshot ${name} saved` }], takenAt);
    return { name, takenAt };
  });
}

/**
 * `snapshot restore NAME`: the machine becomes the snapshot's, in one transaction. The logs are kept as they
 * are and get one entry more (machine.md §6).
 */
export async function rewind(store: Store, clock: Clock, commandLine: string, name: string): Promise<{ name: string; takenAt: string }> {
  return store.write(async () => {
    const row = await requireSnapshot(store, name);
    await restoreSnapshot(store.sqlite, row.id);
    // One log entry more, and none fewer: the logs are not part of a snapshot.
    await appendAudit(store.sqlite, [{ kind: 'snapshot', text: `${commandLine}: snapshot ${row.name} (taken ${row.taken_at}) restored` }], clock.now());
    return { name: row.name, takenAt: row.taken_at };
  });
}

export async function dropSnapshot(store: Store, clock: Clock, commandLine: string, name: string): Promise<string> {
  return store.write(async () => {
    const row = await requireSnapshot(store, name);
    await deleteSnapshot(await store.kysely(), row.id);
    await appendAudit(store.sqlite, [{ kind: 'snapshot', text: `${commandLine}: snapshot ${row.name} deleted` }], clock.now());
    return row.name;
  });
}

export async function snapshots(store: Store): Promise<SnapshotSummary[]> {
  const db = await store.kysely();
  return store.read(() => listSnapshots(db));
}

/** When a snapshot was taken (for `events --since NAME`); undefined when there is none of that name. */
export async function snapshotTime(store: Store, name: string): Promise<string | undefined> {
  if (snapshotNameProblem(name) !== undefined) return undefined;
  const db = await store.kysely();
  return store.read(async () => (await findSnapshot(db, name))?.taken_at);
}

export interface Comparison {
  readonly from: string;
  readonly to: string;
  readonly diff: MachineDiff;
  readonly workers: readonly WorkerDelta[];
}

/**
 * `diff A [B]`: what differs between two snapshots, or a snapshot and now. Both sides are read whole and
 * compared by the same function that makes `--what-if` plans; a read command, so one read transaction.
 */
export async function compare(store: Store, from: string, to: string | undefined): Promise<Comparison> {
  return store.read(async () => {
    const a = await requireSnapshot(store, from);
    const b = to === undefined ? undefined : await requireSnapshot(store, to);
    const db = await store.kysely();
    const before: MachineImage = await loadSnapshotImage(db, a);
    const after: MachineImage = b === undefined ? await loadCurrentImage(db) : await loadSnapshotImage(db, b);
    return {
      from: a.name,
      to: b?.name ?? 'now',
      diff: diffMachines(before.state, after.state),
      workers: diffWorkers(before.workers, after.workers),
    };
  });
}
