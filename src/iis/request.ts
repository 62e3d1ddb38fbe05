import { asList } from '../metabase/metabase.js';
import { toolPath } from '../metabase/paths.js';
import { type MachineState, hasIis6, iisMode, normalizeDir } from '../machine/machine.js';
import { type AppEvent, type AuditNote, appEvent } from '../machine/events.js';
import { EVENT_TEXT } from '../regiis/messages.js';
import { extensionsOf, fourPart, isFrameworkVersion } from '../regiis/frameworks.js';
import { poolOf } from './admin.js';
import { extensionVerdict } from './extensions.js';
import {
  type RequestUrl,
  STATIC_VERBS,
  arrivalAddress,
  entryAccepts,
  entryVerbs,
  extensionOf,
  findKey,
  findSite,
  handlerFor,
  homeOf,
  requestedFile,
} from './routing.js';
import {
  type Runtime,
  type WorkerProcess,
  clrWorker,
  ensureAppDomain,
  hasAppDomain,
  loadClr,
  poolWorker,
  startWorker,
  updateWorker,
} from './runtime.js';

/**
 * One simulated request (metabase-cli.md `request`, machine.md §5): site, key, application, pool and worker
 * process, handler, Web Service Extension, CLR and AppDomain, in the order IIS meets them. Pure: it returns the
 * response, the runtime after it, and what it logged; the caller writes them.
 */

export interface HttpRequest {
  readonly url: RequestUrl;
  /** The URL as typed, echoed in the response. */
  readonly text: string;
  readonly verb: string;
  /** `--ip`: the server address the connection arrives on (see `arrivalAddress`). */
  readonly ip?: string | undefined;
}

export interface ProcessInfo {
  readonly id: number;
  readonly image: string;
  readonly pool: string | null;
  readonly clr: string | null;
}

/** What answered, step by step; each field is null when the request did not get that far. */
export interface Response {
  /** `200`, `404.2`, `503`, ...: the line starts with it. */
  readonly status: string;
  readonly line: string;
  readonly url: string;
  readonly verb: string;
  readonly site: string | null;
  readonly binding: string | null;
  readonly key: string | null;
  readonly file: string | null;
  readonly application: string | null;
  readonly pool: string | null;
  readonly handler: string | null;
  readonly clr: string | null;
  readonly process: ProcessInfo | null;
}

export interface RequestOutcome {
  readonly response: Response;
  readonly runtime: Runtime;
  /** Application log entries (event 1062). */
  readonly events: readonly AppEvent[];
  /** Audit lines, one per change to the runtime: empty when the request changed nothing. */
  readonly notes: readonly AuditNote[];
}

const fileName = (path: string): string => path.slice(Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/')) + 1);

const describe = (w: WorkerProcess): string => `${w.image} #${w.id}${w.pool === undefined ? '' : ` (pool ${w.pool})`}`;

const info = (w: WorkerProcess): ProcessInfo => ({ id: w.id, image: w.image, pool: w.pool ?? null, clr: w.clr ?? null });

/** Plays one request against the machine and its running worker processes. */
export function serve(state: MachineState, runtime: Runtime, request: HttpRequest, now: string): RequestOutcome {
  const metabase = state.metabase;
  const mode = iisMode(state);
  const verb = request.verb.toUpperCase();
  const { url } = request;
  const events: AppEvent[] = [];
  const notes: AuditNote[] = [];
  const note = (text: string): void => void notes.push({ kind: 'runtime', text });
  let rt = runtime;
  let worker: WorkerProcess | undefined;
  const trace: { -readonly [K in keyof Response]: Response[K] } = {
    status: '',
    line: '',
    url: request.text,
    verb,
    site: null,
    binding: null,
    key: null,
    file: null,
    application: null,
    pool: null,
    handler: null,
    clr: null,
    process: null,
  };
  const answer = (status: string, line: string): RequestOutcome => ({
    response: { ...trace, status, line: `${status} ${line}`, process: worker ? info(worker) : null },
    runtime: rt,
    events,
    notes,
  });
  const put = (next: WorkerProcess): void => {
    rt = updateWorker(rt, next.id, () => next);
    worker = next;
  };

  // 1. The site, by its bindings.
  const match = findSite(metabase, url, arrivalAddress(url, request.ip));
  if (!match) return answer('404', `no site is bound to ${url.host}:${url.port}`);
  trace.site = match.site.path;
  trace.binding = match.binding;

  // 2. The key, by the longest path; its folder; the file (or the default document).
  const found = findKey(metabase, match.site, url.segments);
  if (!found) return answer('404', `site ${toolPath(match.site.path)} has no ROOT key`);
  const key = found.key;
  trace.key = key.path;
  const home = homeOf(metabase, key);
  if (home && !state.directories.has(normalizeDir(home.folder).toLowerCase())) {
    return answer('404', `not found: the folder ${home.folder} of ${toolPath(home.vdir.path)} does not exist`);
  }
  const file = requestedFile(metabase, key, url, found.rest);
  if (file === undefined) return answer('403.14', `directory listing denied: ${toolPath(key.path)} has no default document`);
  trace.file = file;
  const extension = extensionOf(file);

  // 3. The application: the nearest key, from the key upwards, that is one.
  const application = metabase.applicationOf(key.path);
  trace.application = application?.path ?? null;

  // 4. IIS 6 worker process isolation: http.sys queues the request for the application's pool, whose
  //    w3wp.exe starts on the first request, whatever it asks for.
  if (mode === 'iis6') {
    const pool = poolOf(metabase, application?.path ?? key.path);
    if (!pool) return answer('503', 'Service Unavailable (no application pool: AppPoolId is not set)');
    trace.pool = pool.name;
    if (!pool.exists) return answer('503', `Service Unavailable (application pool ${pool.name} does not exist)`);
    worker = poolWorker(rt, pool.name);
    if (!worker) {
      ({ runtime: rt, worker } = startWorker(rt, { image: 'w3wp.exe', pool: pool.name }, now));
      note(`started ${describe(worker)}`);
    }
  }

  // 5. The handler, by the extension and the key's effective ScriptMaps.
  const handler = handlerFor(asList(metabase.effective(key.path, 'ScriptMaps')?.property.value), extension);
  if (handler.kind === 'static' || handler.kind === 'plain-text') {
    if (!STATIC_VERBS.includes(verb)) return answer('405', `${verb} is not allowed for a static file (${file})`);
    return handler.kind === 'static'
      ? answer('200', `served as a static file (${file})`)
      : answer('200', `served as plain text: no script map for ${extension} (source code exposed)`);
  }
  trace.handler = handler.entry.processor;
  if (!entryAccepts(handler.entry, verb)) {
    return answer('405', `${verb} is not allowed for ${extension}: its script map passes only ${entryVerbs(handler.entry)!.join(',')}`);
  }

  // 6. The Web Service Extension (IIS 6, both isolation modes).
  if (hasIis6(state)) {
    const verdict = extensionVerdict(metabase, handler.entry.processor);
    if (!verdict.allowed) return answer('404.2', `Web Service Extension ${verdict.name} is prohibited`);
  }
  if (handler.kind === 'isapi') {
    return answer('200', `served by ${fileName(handler.entry.processor)}${worker ? ` in ${worker.image} (pool ${worker.pool})` : ''}`);
  }

  // 7. ASP.NET: its ISAPI must load, then the CLR in a worker process, then the application's AppDomain.
  const version = handler.version;
  trace.clr = version;
  const framework = isFrameworkVersion(version) ? state.frameworks.get(version) : undefined;
  if (!isFrameworkVersion(version) || !framework?.installed || !framework.isapiPresent) return answer('500', `cannot load ${handler.entry.processor}: the file is missing`);
  // Unregistering takes away what the ISAPI needs besides its file (its registry key, filter, account), so an
  // unregistered version fails where no Web Service Extension stopped it first (IIS 5) (decided).
  if (!framework.registered) return answer('500', `ASP.NET ${version} is not registered with IIS (aspnet_regiis -lv does not list it)`);
  if (!application) return answer('500', `no application at or above ${toolPath(key.path)}: ASP.NET runs only inside one`);

  if (mode === 'iis6') {
    if (version === '1.0.3705') return answer('503', 'Server Application Unavailable (ASP.NET 1.0.3705 runs on IIS 6 only in IIS 5 isolation mode)');
    const w = worker!;
    if (w.clr !== undefined && w.clr !== version) {
      events.push(appEvent(`ASP.NET ${fourPart(version)}`, 1062, 'Error', EVENT_TEXT[1062]()));
      note(`event 1062: ${describe(w)} runs CLR ${w.clr} and refused ${application.path} (CLR ${version})`);
      return answer('503', `Server Application Unavailable (event 1062: pool ${w.pool} already runs CLR ${w.clr})`);
    }
    if (w.clr === undefined) {
      put(loadClr(w, version));
      note(`${describe(w)} loaded CLR ${version} for ${application.path}`);
    }
  } else {
    // The IIS 5 process model: one aspnet_wp.exe per CLR, so versions never clash.
    worker = clrWorker(rt, version);
    if (!worker) {
      ({ runtime: rt, worker } = startWorker(rt, { image: 'aspnet_wp.exe', clr: version }, now));
      note(`started ${describe(worker)} with CLR ${version}`);
    }
  }
  if (!hasAppDomain(worker!, application.path)) {
    put(ensureAppDomain(worker!, application.path, now));
    note(`AppDomain of ${application.path} started in ${describe(worker!)} (CLR ${version})`);
  }
  const where = `${worker!.image}${worker!.pool === undefined ? '' : ` (pool ${worker!.pool})`}`;
  const forbidden = extensionsOf(version).some((e) => e.extension.toLowerCase() === extension && e.flag === 5);
  if (forbidden) return answer('403', `forbidden by ASP.NET ${version} in ${where}: this type of page (${extension}) is not served`);
  return answer('200', `served by ASP.NET ${version} in ${where}`);
}
