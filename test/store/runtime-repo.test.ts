import { describe, expect } from 'vitest';
import { test } from '../support/fixtures.js';
import { openMachine } from '../../src/app/machine-file.js';
import { fixedClock } from '../../src/app/clock.js';
import { loadRuntime, saveRuntime } from '../../src/store/runtime-repo.js';
import { EMPTY_RUNTIME, type Runtime, ensureAppDomain, loadClr, recycleApplications, restart, startWorker, updateWorker } from '../../src/iis/runtime.js';
import { T0 } from '../support/runtime-builders.js';

const clock = fixedClock(T0);

/** Two worker processes: a w3wp.exe on 2.0 with two AppDomains and a note, an aspnet_wp.exe on 1.1. */
function sample(): Runtime {
  const first = startWorker(EMPTY_RUNTIME, { image: 'w3wp.exe', pool: 'DefaultAppPool' }, T0);
  let w = loadClr(first.worker, '2.0.50727');
  w = ensureAppDomain(ensureAppDomain(w, '/LM/W3SVC/1/ROOT/Zed', T0), '/LM/W3SVC/1/ROOT/App', T0);
  let runtime = updateWorker(first.runtime, w.id, () => w);
  runtime = startWorker(runtime, { image: 'aspnet_wp.exe', clr: '1.1.4322' }, '2026-01-01T00:00:01.000Z').runtime;
  return recycleApplications(runtime, ['/LM/W3SVC/1/ROOT/Other'], { command: 'aspnet_regiis -norestart -s X', time: T0, poolOf: () => 'DefaultAppPool' });
}

describe('runtime repository', () => {
  test('a new machine runs nothing', async ({ db }) => {
    const store = await openMachine(db, clock);
    try {
      expect(await store.read(() => loadRuntime(store.db))).toEqual(EMPTY_RUNTIME);
    } finally {
      await store.close();
    }
  });

  test('saves and loads the runtime whole, AppDomains in their order', async ({ db }) => {
    const store = await openMachine(db, clock);
    try {
      const runtime = sample();
      await store.write(() => saveRuntime(store.db, runtime));
      expect(await store.read(() => loadRuntime(store.db))).toEqual(runtime);
    } finally {
      await store.close();
    }
  });

  test('a restart leaves no rows but keeps the numbering', async ({ db }) => {
    const store = await openMachine(db, clock);
    try {
      await store.write(() => saveRuntime(store.db, sample()));
      await store.write(() => saveRuntime(store.db, restart(sample())));
      const loaded = await store.read(() => loadRuntime(store.db));
      expect(loaded).toEqual({ workers: [], lastId: 2 });
      for (const table of ['worker_process', 'app_domain', 'worker_outdated'] as const) {
        expect(await store.db.selectFrom(table).selectAll().execute()).toEqual([]);
      }
      expect(startWorker(loaded, { image: 'w3wp.exe', pool: 'A' }, T0).worker.id).toBe(3);
    } finally {
      await store.close();
    }
  });
});
