import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Worker processes and AppDomains (machine.md §5): a restart stops them all, a recycle ends AppDomains. */

export async function stopAllWorkers(db: Kysely<Database>): Promise<void> {
  await db.deleteFrom('worker_process').execute();
}

export async function recycleAppDomains(db: Kysely<Database>, appPaths: readonly string[]): Promise<void> {
  for (let i = 0; i < appPaths.length; i += 500) {
    const chunk = appPaths.slice(i, i + 500).map((p) => p.toLowerCase());
    await db.deleteFrom('app_domain').where('app_path_lc', 'in', chunk).execute();
  }
}
