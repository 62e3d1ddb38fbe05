import { type OpenOptions, type Store, openStore } from '../store/open.js';
import { hasMachine, insertMachine } from '../store/machine-repo.js';
import { appendAudit } from '../store/log-repo.js';
import { DEFAULT_PROFILE, type ProfileName, buildProfile } from '../machine/profiles.js';
import { StoreError } from '../store/errors.js';
import type { Clock } from './clock.js';

/**
 * Opens the machine file; a file that does not exist yet is created with the `win2003` profile (or the one
 * given), complete with its first audit entry, before any other process can see it.
 */
export async function openMachine(
  file: string,
  clock: Clock,
  profile: ProfileName = DEFAULT_PROFILE,
  options: Pick<OpenOptions, 'kysely'> = {},
): Promise<Store> {
  const store = await openStore(file, { ...options, initialise: (s) => createMachine(s, profile, clock) });
  try {
    // A file that holds a schema but no machine (left by an older regiis-sim killed while creating it) gets
    // one now; checked again inside the write so two processes never both create it.
    if (!(await store.read(() => hasMachine(store.sqlite)))) {
      await store.write(async () => {
        if (!(await hasMachine(store.sqlite))) await createMachine(store, profile, clock);
      });
    }
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

export async function createMachine(store: Store, profile: ProfileName, clock: Clock): Promise<void> {
  const time = clock.now();
  await insertMachine(store.sqlite, buildProfile(profile), time);
  await appendAudit(store.sqlite, [{ kind: 'command', text: `machine created from profile ${profile}` }], time);
}

/** `metabase init`: a new machine from a profile; an existing one is replaced only with `force`. */
export async function initMachine(file: string, profile: ProfileName, force: boolean, clock: Clock): Promise<void> {
  const store = await openStore(file, { initialise: (s) => createMachine(s, profile, clock) });
  try {
    if (store.created) return;
    await store.write(async () => {
      if (await hasMachine(store.sqlite)) {
        if (!force) throw new StoreError('exists', `${file} already holds a machine; use --force to replace it`);
        await clearMachine(store);
      }
      await createMachine(store, profile, clock);
    });
  } finally {
    await store.close();
  }
}

/** Empties every table of the machine (not the schema's own bookkeeping), whatever later migrations added. */
async function clearMachine(store: Store): Promise<void> {
  const tables = store.sqlite
    .prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'`)
    .all() as { name: string }[];
  for (const { name } of tables) store.sqlite.prepare(`delete from "${name.replace(/"/g, '""')}"`).run();
}
