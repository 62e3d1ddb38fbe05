import { asList } from '../metabase/metabase.js';
import { pathKey, toKeyPath } from '../metabase/paths.js';
import { listVersion } from '../metabase/scriptmaps.js';
import { type AdsutilOutcome, isRead, parseAdsutil, readAdsutil, writeAdsutil } from '../iis/adsutil.js';
import { type Store, openStore } from '../store/open.js';
import { loadMachine } from '../store/machine-repo.js';
import { appendAudit } from '../store/log-repo.js';
import { clearLogs, findSnapshot, restoreSnapshot } from '../store/snapshot-repo.js';
import { copyMachineFile } from '../store/copy.js';
import type { Clock } from './clock.js';
import { CommandError, notFound } from './errors.js';
import { inspect, mutate } from './session.js';

/** The use cases a playbook run needs besides the two programs: adsutil, and reading a scenario's machine. */

/** One `cscript adsutil.vbs ...` line: reads in a read transaction, writes in one write transaction. */
export async function runAdsutil(store: Store, clock: Clock, commandLine: string, words: readonly string[]): Promise<AdsutilOutcome & { stderr: readonly string[] }> {
  const parsed = parseAdsutil(words);
  if (!parsed.ok) return { stdout: [], stderr: [parsed.message], exitCode: 1 };
  try {
    const outcome = isRead(parsed.command)
      ? await inspect(store, (state) => readAdsutil(state, parsed.command))
      : await mutate(store, clock, commandLine, (d) => ({ result: writeAdsutil(d, parsed.command) }));
    return { ...outcome, stderr: [] };
  } catch (error) {
    if (error instanceof CommandError) return { stdout: [], stderr: [error.message], exitCode: 1 };
    throw error;
  }
}

/** The machine's Windows folder (a batch's `%windir%`). */
export async function windirOf(store: Store): Promise<string> {
  return inspect(store, (state) => state.windir);
}

/**
 * Each key's effective ScriptMaps version (three-part, the highest if mixed, `none` without ASP.NET), or
 * undefined for a key that does not exist (metabase-cli.md, `versions`).
 */
export async function scriptMapVersions(store: Store, typed: readonly string[]): Promise<Map<string, string | undefined>> {
  return inspect(store, (state) => {
    const versions = new Map<string, string | undefined>();
    for (const t of typed) {
      const path = toKeyPath(t);
      versions.set(t, state.metabase.has(path) ? (listVersion(asList(state.metabase.effective(path, 'ScriptMaps')?.property.value)) ?? 'none') : undefined);
    }
    return versions;
  });
}

/** Every explicit ScriptMaps list, by key (what `idempotent: true` compares between two passes). */
export async function explicitScriptMaps(store: Store): Promise<Map<string, { path: string; list: string }>> {
  return store.read(async () => {
    const { state } = await loadMachine(store.sqlite);
    const lists = new Map<string, { path: string; list: string }>();
    for (const key of state.metabase.all()) {
      const prop = key.properties.get('scriptmaps');
      if (prop) lists.set(pathKey(key.path), { path: key.path, list: JSON.stringify(asList(prop.value)) });
    }
    return lists;
  });
}

/**
 * A scenario's machine from a snapshot of another file: the file is copied without being written to, the copy
 * is brought up to date and rewound to the snapshot, and its logs start afresh with one entry naming where it
 * came from (as a machine made from a profile does).
 */
export async function machineFromSnapshot(source: string, dest: string, name: string, clock: Clock): Promise<void> {
  copyMachineFile(source, dest);
  const store = await openStore(dest, { create: false });
  try {
    await store.write(async () => {
      const row = await findSnapshot(store.db, name);
      if (!row) throw notFound(`${source}: no snapshot named ${name}`);
      await restoreSnapshot(store.db, row.id);
      await clearLogs(store.db);
      await appendAudit(store.db, [{ kind: 'command', text: `machine created from snapshot ${row.name} of ${source}` }], clock.now());
    });
  } finally {
    await store.close();
  }
}
