import { type Problem, machineProblems } from '../machine/doctor.js';
import { hasMachine, loadMachine } from '../store/machine-repo.js';
import { storeProblems } from '../store/health.js';
import { openStore } from '../store/open.js';

/**
 * `metabase doctor`: the file's SQLite and row checks, then the machine's invariants, in one read
 * transaction. Never creates or changes the file; a machine that cannot be loaded is itself a problem.
 */
export async function diagnose(file: string): Promise<Problem[]> {
  const store = await openStore(file, { create: false });
  try {
    return await store.read(async () => {
      const problems = await storeProblems(store.db);
      if (problems.some((p) => p.code === 'integrity' || p.code === 'no-machine')) return problems;
      try {
        if (await hasMachine(store.db)) problems.push(...machineProblems((await loadMachine(store.db)).state));
      } catch (error) {
        problems.push({ severity: 'error', code: 'unloadable', text: `the machine cannot be loaded: ${(error as Error).message}` });
      }
      return problems;
    });
  } finally {
    await store.close();
  }
}
