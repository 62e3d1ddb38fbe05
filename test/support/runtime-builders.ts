import { Draft, type MachineState } from '../../src/machine/machine.js';
import { type ProfileName, buildProfile } from '../../src/machine/profiles.js';
import { addPool, addSite, addVirtualDirectory, assignPool, setIisMode, setRaw } from '../../src/iis/admin.js';
import { runTool } from '../../src/regiis/tool.js';
import { type FrameworkVersion, parseFrameworkVersion } from '../../src/regiis/frameworks.js';
import { parseRequestUrl } from '../../src/iis/routing.js';
import { type HttpRequest, type RequestOutcome, serve } from '../../src/iis/request.js';
import { EMPTY_RUNTIME, type Runtime } from '../../src/iis/runtime.js';

/** Small builders for pure tests of the runtime: a machine from a profile and a few admin steps. */

export type Step = (d: Draft) => void;

/** A machine from a profile, then the steps, in order. */
export function machine(profile: ProfileName, ...steps: Step[]): MachineState {
  const state = buildProfile(profile);
  const d = new Draft(state);
  for (const step of steps) step(d);
  return state;
}

const version = (typed: string): FrameworkVersion => {
  const v = parseFrameworkVersion(typed);
  if (!v) throw new Error(`bad version ${typed}`);
  return v;
};

const tool = (d: Draft, typed: string, action: 's' | 'sn' | 'k' | 'kn', argument: string): void => {
  const outcome = runTool(d, { action, typed: `-${action}`, argument, extension: undefined, norestart: false }, version(typed));
  if (outcome.exitCode !== 0) throw new Error(outcome.stdout.join('\n'));
};

/** `vdir add PATH --path C:\Inetpub\<name> [--app] [--pool P]`. */
export const vdir =
  (path: string, options: { app?: boolean; pool?: string } = {}): Step =>
  (d) =>
    void addVirtualDirectory(d, path, `C:\\Inetpub\\${path.split('/').pop()}`, options.app ?? false, options.pool);

export const app = (path: string, pool?: string): Step => vdir(path, { app: true, ...(pool === undefined ? {} : { pool }) });
export const pool = (name: string): Step => (d) => void addPool(d, name);
export const assign = (path: string, name: string): Step => (d) => void assignPool(d, path, name);
/** `aspnet_regiis --framework V -s PATH`. */
export const mapTo = (path: string, v: string): Step => (d) => tool(d, v, 's', path);
/** `aspnet_regiis --framework V -k PATH`. */
export const strip = (path: string): Step => (d) => tool(d, '1.1', 'k', path);
export const set = (path: string, name: string, ...values: string[]): Step => (d) => void setRaw(d, path, name, values);
export const mode = (m: 'iis6' | 'iis6-iis5-isolation'): Step => (d) => setIisMode(d, m);
export const site = (name: string, id: number, bindings: string, path?: string): Step => (d) => void addSite(d, { name, id, bindings, path });
export const rmdir = (dir: string): Step => (d) => d.rmdir(dir);
/** A framework's aspnet_isapi.dll deleted (`metabase framework break`). */
export const breakFramework = (v: string): Step => (d) => {
  const state = d.state.frameworks.get(version(v))!;
  d.setFramework({ ...state, isapiPresent: false });
};

/** A request as `metabase request` builds it. */
export function req(url: string, verb = 'GET', ip?: string): HttpRequest {
  const parsed = parseRequestUrl(url);
  if (!parsed.ok) throw new Error(parsed.reason);
  return { url: parsed.value, text: url, verb, ip };
}

export const T0 = '2026-01-01T00:00:00.000Z';

/** Plays requests one after the other, each on the runtime the previous one left. */
export function playRequests(state: MachineState, urls: readonly string[], start: Runtime = EMPTY_RUNTIME): { outcomes: RequestOutcome[]; runtime: Runtime } {
  let runtime = start;
  const outcomes: RequestOutcome[] = [];
  for (const url of urls) {
    const outcome = serve(state, runtime, req(url), T0);
    outcomes.push(outcome);
    runtime = outcome.runtime;
  }
  return { outcomes, runtime };
}

/** The status lines of a sequence of requests. */
export const lines = (outcomes: readonly RequestOutcome[]): string[] => outcomes.map((o) => o.response.line);
