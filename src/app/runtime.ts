import { AdminError, recyclablePool } from '../iis/admin.js';
import { type Finding, type StrippedRecord, checkMachine } from '../iis/check.js';
import { type HttpRequest, type RequestOutcome, type Response, serve } from '../iis/request.js';
import { parseRequestUrl } from '../iis/routing.js';
import { type WorkerProcess, recyclePool } from '../iis/runtime.js';
import { strippedPath } from '../machine/events.js';
import type { Store } from '../store/open.js';
import { loadMachine } from '../store/machine-repo.js';
import { appendAppEvents, appendAudit, readAuditKinds } from '../store/log-repo.js';
import { loadRuntime, saveRuntime } from '../store/runtime-repo.js';
import { mutate } from './session.js';
import { CommandError, badInput } from './errors.js';
import type { Clock } from './clock.js';

/** The running server: simulated requests, `iisreset`, `recycle POOL`, and `check`. */

export interface RequestInput {
  readonly url: string;
  readonly verb: string;
  readonly ip?: string | undefined;
}

/** An HTTP method is a token of letters (and `-`), as RFC 9110 allows for every method IIS knows. */
const VERB = /^[A-Za-z][A-Za-z-]*$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

function parseRequest(input: RequestInput): HttpRequest {
  const url = parseRequestUrl(input.url);
  if (!url.ok) throw badInput(url.reason);
  if (!VERB.test(input.verb)) throw badInput(`--verb: ${input.verb} is not an HTTP method (GET, POST, HEAD, ...)`);
  if (input.ip !== undefined && !IPV4.test(input.ip)) throw badInput(`--ip: ${input.ip} is not an IPv4 address`);
  return { url: url.value, text: input.url, verb: input.verb, ip: input.ip };
}

const changesRuntime = (outcome: RequestOutcome): boolean => outcome.notes.length > 0 || outcome.events.length > 0;

/**
 * `request URL`: one simulated request. Played first in a read transaction; only a request that starts a
 * worker process or an AppDomain, loads a CLR or writes event 1062 is played again in a write transaction
 * (the state may have moved in between) and written with its audit lines.
 */
export async function simulateRequest(store: Store, clock: Clock, commandLine: string, input: RequestInput): Promise<Response> {
  const request = parseRequest(input);
  const now = clock.now();
  const play = async (): Promise<RequestOutcome> => {
    // Lazy: a request writes worker processes and logs, never the metabase.
    const { state } = await loadMachine(store.sqlite, { lazy: true });
    return serve(state, await loadRuntime(store.sqlite), request, now);
  };
  const first = await store.read(play);
  if (!changesRuntime(first)) return first.response;
  return store.write(async () => {
    const outcome = await play();
    if (changesRuntime(outcome)) {
      await saveRuntime(store.sqlite, outcome.runtime);
      await appendAppEvents(store.sqlite, outcome.events, now);
      await appendAudit(store.sqlite, [{ kind: 'command', text: commandLine }, ...outcome.notes], now);
    }
    return outcome.response;
  });
}

/** `iisreset`: W3SVC restarts, so every worker process stops and every AppDomain ends. */
export async function resetIis(store: Store, clock: Clock, commandLine: string): Promise<void> {
  await mutate(store, clock, commandLine, () => ({ result: undefined, restarted: true }));
}

/** `recycle POOL`: the pool's w3wp.exe stops; the next request to the pool starts a new one. */
export async function recycleAppPool(store: Store, clock: Clock, commandLine: string, typed: string): Promise<{ pool: string; stopped: readonly WorkerProcess[] }> {
  return store.write(async () => {
    const { state } = await loadMachine(store.sqlite, { lazy: true });
    let pool: string;
    try {
      pool = recyclablePool(state, typed);
    } catch (error) {
      if (error instanceof AdminError) throw new CommandError('bad-input', error.message);
      throw error;
    }
    const { runtime, stopped } = recyclePool(await loadRuntime(store.sqlite), pool);
    await saveRuntime(store.sqlite, runtime);
    const what = stopped.map((w) => `${w.image} #${w.id}${w.clr ? ` (CLR ${w.clr})` : ''}${w.appDomains.length > 0 ? ` with AppDomains ${w.appDomains.map((a) => a.application).join(', ')}` : ''}`);
    const time = clock.now();
    await appendAudit(store.sqlite, [{ kind: 'command', text: commandLine }, { kind: 'recycle', text: `recycle pool ${pool}: ${what.length > 0 ? `stopped ${what.join('; ')}` : 'no worker process was running'}` }], time);
    return { pool, stopped };
  });
}

/** The keys the audit log says were stripped, each with the command line of its run. */
async function strippedRecords(store: Store): Promise<StrippedRecord[]> {
  const rows = await readAuditKinds(store.sqlite, ['command', 'stripped']);
  const commands = new Map(rows.filter((r) => r.kind === 'command').map((r) => [r.run, r.text]));
  return rows.flatMap((row) => {
    const path = strippedPath(row);
    return path === undefined ? [] : [{ path, command: commands.get(row.run) ?? 'an earlier run', time: row.time }];
  });
}

/** `check`: every finding on the machine, its worker processes and its audit log. */
export async function checkServer(store: Store): Promise<Finding[]> {
  return store.read(async () => {
    const { state } = await loadMachine(store.sqlite, { lazy: true });
    return checkMachine({ state, runtime: await loadRuntime(store.sqlite), stripped: await strippedRecords(store) });
  });
}
