import { pathKey } from '../metabase/paths.js';

/**
 * The running server (machine.md §5): worker processes, the CLR each has loaded, and the AppDomains in them.
 * A plain value: every function here returns a new `Runtime` and never changes the one it is given, so a
 * request, a restart or a recycle is computed first and written after, like every other change.
 */

/** `w3wp.exe`: one per app pool (IIS 6 worker process isolation). `aspnet_wp.exe`: one per CLR (IIS 5 process model). */
export type WorkerImage = 'w3wp.exe' | 'aspnet_wp.exe';

export interface AppDomain {
  /** The application's key path, as the metabase stores it. */
  readonly application: string;
  readonly clr: string;
  readonly startedAt: string;
}

/** A change made without a restart to an application of a worker's pool after the worker had loaded its CLR. */
export interface Outdated {
  readonly application: string;
  /** The command line that made it, as the audit log names it. */
  readonly command: string;
  readonly time: string;
}

export interface WorkerProcess {
  /** Numbers the processes of a run of the server, in the order they started. */
  readonly id: number;
  readonly image: WorkerImage;
  /** The app pool a `w3wp.exe` serves; undefined for `aspnet_wp.exe`. */
  readonly pool: string | undefined;
  /** The CLR it loaded on its first ASP.NET request; a process never loads another. */
  readonly clr: string | undefined;
  readonly startedAt: string;
  readonly appDomains: readonly AppDomain[];
  readonly outdated: readonly Outdated[];
}

export interface Runtime {
  readonly workers: readonly WorkerProcess[];
  /** The number of the last worker process started, running or not: numbers are never reused, like PIDs. */
  readonly lastId: number;
}

export const EMPTY_RUNTIME: Runtime = { workers: [], lastId: 0 };

const samePool = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

/** The `w3wp.exe` serving a pool, if it runs. */
export function poolWorker(runtime: Runtime, pool: string): WorkerProcess | undefined {
  return runtime.workers.find((w) => w.image === 'w3wp.exe' && samePool(w.pool, pool));
}

/** The `aspnet_wp.exe` that runs a CLR, if it runs. */
export function clrWorker(runtime: Runtime, clr: string): WorkerProcess | undefined {
  return runtime.workers.find((w) => w.image === 'aspnet_wp.exe' && w.clr === clr);
}

export function hasAppDomain(worker: WorkerProcess, application: string): boolean {
  return worker.appDomains.some((a) => pathKey(a.application) === pathKey(application));
}

/** Starts a worker process, numbered after every process started before it. */
export function startWorker(
  runtime: Runtime,
  spec: { readonly image: WorkerImage; readonly pool?: string | undefined; readonly clr?: string | undefined },
  now: string,
): { readonly runtime: Runtime; readonly worker: WorkerProcess } {
  const id = Math.max(runtime.lastId, ...runtime.workers.map((w) => w.id)) + 1;
  const worker: WorkerProcess = { id, image: spec.image, pool: spec.pool, clr: spec.clr, startedAt: now, appDomains: [], outdated: [] };
  return { runtime: { workers: [...runtime.workers, worker], lastId: id }, worker };
}

/** Replaces one worker (matched by id) with what `change` makes of it. */
export function updateWorker(runtime: Runtime, id: number, change: (w: WorkerProcess) => WorkerProcess): Runtime {
  return { ...runtime, workers: runtime.workers.map((w) => (w.id === id ? change(w) : w)) };
}

/** A worker that has loaded `clr` (it must have none, or the same). */
export const loadClr = (worker: WorkerProcess, clr: string): WorkerProcess => ({ ...worker, clr });

/** A worker with an AppDomain for `application` on its CLR, created if missing. */
export function ensureAppDomain(worker: WorkerProcess, application: string, now: string): WorkerProcess {
  if (hasAppDomain(worker, application) || worker.clr === undefined) return worker;
  return { ...worker, appDomains: [...worker.appDomains, { application, clr: worker.clr, startedAt: now }] };
}

/** W3SVC restarts (`iisreset`, a tool run without `-norestart`): every worker process stops. */
export function restart(runtime: Runtime): Runtime {
  return { workers: [], lastId: runtime.lastId };
}

/** `recycle POOL`: the pool's `w3wp.exe` stops; the next request to the pool starts a new one. */
export function recyclePool(runtime: Runtime, pool: string): { readonly runtime: Runtime; readonly stopped: readonly WorkerProcess[] } {
  const stopped = runtime.workers.filter((w) => w.image === 'w3wp.exe' && samePool(w.pool, pool));
  return { runtime: { ...runtime, workers: runtime.workers.filter((w) => !stopped.includes(w)) }, stopped };
}

/** Where a change made without a restart came from, and the pool each recycled application runs in now. */
export interface RecycleContext {
  readonly command: string;
  readonly time: string;
  readonly poolOf: (application: string) => string | undefined;
}

/**
 * A change without a restart (`-norestart`, a raw `set`): the AppDomains of the applications whose effective
 * script maps changed end, but their worker processes go on with the CLR they loaded. Each `w3wp.exe` that has
 * a CLR and serves the pool of a changed application remembers the change, so `check` can say why its next
 * request may fail.
 */
export function recycleApplications(runtime: Runtime, applications: readonly string[], context: RecycleContext): Runtime {
  if (applications.length === 0) return runtime;
  const hit = new Set(applications.map(pathKey));
  return {
    ...runtime,
    workers: runtime.workers.map((worker) => {
      const appDomains = worker.appDomains.filter((a) => !hit.has(pathKey(a.application)));
      const changedHere =
        worker.image === 'w3wp.exe' && worker.clr !== undefined
          ? applications.filter((app) => samePool(context.poolOf(app), worker.pool))
          : [];
      const outdated = [
        ...worker.outdated.filter((o) => !changedHere.some((app) => pathKey(app) === pathKey(o.application))),
        ...changedHere.map((application) => ({ application, command: context.command, time: context.time })),
      ];
      return appDomains.length === worker.appDomains.length && changedHere.length === 0 ? worker : { ...worker, appDomains, outdated };
    }),
  };
}
