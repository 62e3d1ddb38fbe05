import { describe, expect, it } from 'vitest';
import {
  EMPTY_RUNTIME,
  type Runtime,
  clrWorker,
  ensureAppDomain,
  loadClr,
  poolWorker,
  recycleApplications,
  recyclePool,
  restart,
  startWorker,
  updateWorker,
} from '../../src/iis/runtime.js';
import { T0 } from '../support/runtime-builders.js';

/** A runtime with a w3wp.exe per pool given, each on a CLR and with AppDomains for the applications given. */
function running(...pools: { pool: string; clr?: string; apps?: string[] }[]): Runtime {
  let runtime = EMPTY_RUNTIME;
  for (const spec of pools) {
    const started = startWorker(runtime, { image: 'w3wp.exe', pool: spec.pool }, T0);
    let worker = spec.clr ? loadClr(started.worker, spec.clr) : started.worker;
    for (const app of spec.apps ?? []) worker = ensureAppDomain(worker, app, T0);
    runtime = updateWorker(started.runtime, worker.id, () => worker);
  }
  return runtime;
}

const poolOf = (pools: Record<string, string>) => (app: string) => pools[app];

describe('worker processes', () => {
  it('are numbered in the order they start, and numbers are never reused, even after a restart', () => {
    const two = running({ pool: 'A' }, { pool: 'B' });
    expect(two.workers.map((w) => w.id)).toEqual([1, 2]);
    const afterRestart = restart(two);
    expect(afterRestart.workers).toEqual([]);
    expect(startWorker(afterRestart, { image: 'w3wp.exe', pool: 'A' }, T0).worker.id).toBe(3);
  });

  it('are found by pool (case-insensitively) or by CLR', () => {
    const runtime = startWorker(running({ pool: 'DefaultAppPool', clr: '2.0.50727' }), { image: 'aspnet_wp.exe', clr: '1.1.4322' }, T0).runtime;
    expect(poolWorker(runtime, 'defaultapppool')?.id).toBe(1);
    expect(poolWorker(runtime, 'Other')).toBeUndefined();
    expect(clrWorker(runtime, '1.1.4322')?.id).toBe(2);
    expect(clrWorker(runtime, '2.0.50727')).toBeUndefined();
  });

  it('an AppDomain takes the worker\'s CLR, once per application; a worker without a CLR has none', () => {
    const started = startWorker(EMPTY_RUNTIME, { image: 'w3wp.exe', pool: 'A' }, T0).worker;
    expect(ensureAppDomain(started, '/LM/W3SVC/1/ROOT', T0).appDomains).toEqual([]);
    const loaded = ensureAppDomain(loadClr(started, '2.0.50727'), '/LM/W3SVC/1/ROOT', T0);
    expect(loaded.appDomains).toEqual([{ application: '/LM/W3SVC/1/ROOT', clr: '2.0.50727', startedAt: T0 }]);
    expect(ensureAppDomain(loaded, '/lm/w3svc/1/root', T0)).toBe(loaded);
  });
});

describe('recycling', () => {
  it('a pool recycle stops only that pool\'s w3wp.exe', () => {
    const runtime = running({ pool: 'A', clr: '2.0.50727' }, { pool: 'B', clr: '1.1.4322' });
    const { runtime: after, stopped } = recyclePool(runtime, 'a');
    expect(stopped.map((w) => w.pool)).toEqual(['A']);
    expect(after.workers.map((w) => w.pool)).toEqual(['B']);
    expect(recyclePool(runtime, 'C').stopped).toEqual([]);
  });

  it('a change without a restart ends the changed applications\' AppDomains and keeps the processes and their CLR', () => {
    const runtime = running({ pool: 'A', clr: '2.0.50727', apps: ['/LM/W3SVC/1/ROOT', '/LM/W3SVC/1/ROOT/App'] });
    const after = recycleApplications(runtime, ['/LM/W3SVC/1/ROOT/App'], { command: 'aspnet_regiis -norestart -s X', time: T0, poolOf: poolOf({ '/LM/W3SVC/1/ROOT/App': 'A' }) });
    expect(after.workers).toHaveLength(1);
    expect(after.workers[0]!.clr).toBe('2.0.50727');
    expect(after.workers[0]!.appDomains.map((a) => a.application)).toEqual(['/LM/W3SVC/1/ROOT']);
    expect(after.workers[0]!.outdated).toEqual([{ application: '/LM/W3SVC/1/ROOT/App', command: 'aspnet_regiis -norestart -s X', time: T0 }]);
  });

  it('marks only w3wp.exe processes of the changed application\'s pool that have loaded a CLR', () => {
    const runtime = startWorker(running({ pool: 'A', clr: '2.0.50727' }, { pool: 'B', clr: '2.0.50727' }, { pool: 'C' }), { image: 'aspnet_wp.exe', clr: '2.0.50727' }, T0).runtime;
    const after = recycleApplications(runtime, ['/LM/W3SVC/1/ROOT/App'], { command: 'cmd', time: T0, poolOf: () => 'a' });
    expect(after.workers.map((w) => w.outdated.length)).toEqual([1, 0, 0, 0]);
  });

  it('a later change to the same application replaces the earlier note', () => {
    const runtime = running({ pool: 'A', clr: '2.0.50727' });
    const context = (command: string) => ({ command, time: T0, poolOf: () => 'A' });
    const twice = recycleApplications(recycleApplications(runtime, ['/LM/W3SVC/1/ROOT/App'], context('first')), ['/LM/W3SVC/1/ROOT/app'], context('second'));
    expect(twice.workers[0]!.outdated.map((o) => o.command)).toEqual(['second']);
  });

  it('no changed application changes nothing', () => {
    const runtime = running({ pool: 'A', clr: '2.0.50727', apps: ['/LM/W3SVC/1/ROOT'] });
    expect(recycleApplications(runtime, [], { command: 'c', time: T0, poolOf: () => 'A' })).toBe(runtime);
  });
});
