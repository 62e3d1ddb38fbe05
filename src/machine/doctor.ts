import { ROOT_PATH, asList } from '../metabase/metabase.js';
import { parentPath, pathKey } from '../metabase/paths.js';
import { parseEntry } from '../metabase/scriptmaps.js';
import { FRAMEWORK_VERSIONS, fourPart, highest, isFrameworkVersion } from '../regiis/frameworks.js';
import { type MachineState, hasIis6, processorPath, registeredVersions } from './machine.js';

/**
 * `metabase doctor`: the invariants the program relies on, checked on a loaded machine (the SQLite checks
 * are in src/store/health.ts). An `error` is a broken invariant (a damaged or hand-mangled file): doctor
 * exits 1. A `note` is a state the program models on purpose but the user may want to know about.
 */
export interface Problem {
  readonly severity: 'error' | 'note';
  readonly code: string;
  /** The key (or row) the problem is about, when there is one. */
  readonly key?: string | undefined;
  readonly text: string;
}

const error = (code: string, key: string | undefined, text: string): Problem => ({ severity: 'error', code, key, text });
const note = (code: string, key: string | undefined, text: string): Problem => ({ severity: 'note', code, key, text });

/** A stored path: `/LM`, then segments that are neither empty nor padded, no trailing slash. */
const WELL_FORMED_PATH = /^\/LM(\/[^/]+)*$/i;
/** ScriptMaps flags are a number (1 script engine, 4 check that the file exists, 5 both, and others IIS allows). */
const FLAGS = /^\d+$/;

export function machineProblems(state: MachineState): Problem[] {
  return [...keyProblems(state), ...frameworkProblems(state), ...serviceProblems(state)];
}

function keyProblems(state: MachineState): Problem[] {
  const problems: Problem[] = [];
  const { metabase } = state;
  if (!metabase.has(ROOT_PATH)) problems.push(error('root-missing', ROOT_PATH, 'the web service key is missing: aspnet_regiis has nothing to work on'));
  const pools = new Set(metabase.childrenOf(`${ROOT_PATH}/AppPools`).filter((k) => k.keyType === 'IIsApplicationPool').map((k) => pathKey(k.path.slice(k.path.lastIndexOf('/') + 1))));

  for (const key of metabase.stored()) {
    if (!WELL_FORMED_PATH.test(key.path)) {
      problems.push(error('bad-path', key.path, 'not a well-formed metabase path (/LM/..., no empty segment, no trailing /)'));
      continue;
    }
    const parent = parentPath(key.path);
    if (parent !== undefined && parent !== '/' && !metabase.has(parent)) {
      problems.push(error('orphan-key', key.path, `its parent ${parent} does not exist: the key is unreachable (not listed, exported or mapped)`));
    }
    const scriptMaps = key.properties.get('scriptmaps');
    if (scriptMaps !== undefined) {
      if (typeof scriptMaps.value === 'string') {
        problems.push(error('scriptmaps-not-a-list', key.path, 'ScriptMaps holds a single string instead of a MULTISZ list'));
      }
      for (const [index, text] of asList(scriptMaps.value).entries()) {
        const entry = parseEntry(text);
        if (entry.extension.trim() === '' || entry.processor.trim() === '' || !FLAGS.test(entry.flags)) {
          problems.push(error('bad-scriptmap', key.path, `ScriptMaps entry ${index + 1} is not <extension>,<processor>,<flags>[,<verbs>]: ${JSON.stringify(text)}`));
        }
      }
    }
    const poolId = key.properties.get('apppoolid')?.value;
    if (hasIis6(state) && typeof poolId === 'string' && !pools.has(pathKey(poolId))) {
      problems.push(error('missing-pool', key.path, `AppPoolId names ${poolId}, which is not an application pool under ${ROOT_PATH}/AppPools`));
    }
  }
  return problems;
}

function frameworkProblems(state: MachineState): Problem[] {
  const problems: Problem[] = [];
  const iis6 = hasIis6(state) && state.metabase.has(ROOT_PATH);
  const extensions = asList(state.metabase.explicit(ROOT_PATH, 'WebSvcExtRestrictionList')?.value).map((e) => (e.split(',')[1] ?? '').toLowerCase());
  for (const f of state.frameworks.values()) {
    if (!isFrameworkVersion(f.version)) {
      problems.push(error('unknown-framework', undefined, `framework ${f.version} is none of ${FRAMEWORK_VERSIONS.join(', ')}`));
      continue;
    }
    if (f.isapiPresent && !f.installed) {
      problems.push(error('framework-files', undefined, `framework ${f.version} has its aspnet_isapi.dll but not its folder`));
    }
    if (!f.registered) continue;
    if (!f.installed || !f.isapiPresent) {
      problems.push(note('framework-invalid', undefined, `framework ${f.version} is registered but its files are missing: aspnet_regiis -lv shows it Invalid`));
    }
    if (iis6 && !extensions.includes(processorPath(state, f.version).toLowerCase())) {
      problems.push(note('no-web-service-extension', ROOT_PATH, `framework ${f.version} is registered but WebSvcExtRestrictionList has no entry for it (aspnet_regiis -ir adds it)`));
    }
    const filter = `${ROOT_PATH}/Filters/ASP.NET_${fourPart(f.version)}`;
    if (state.metabase.has(ROOT_PATH) && !state.metabase.has(filter)) {
      problems.push(note('no-filter', filter, `framework ${f.version} is registered but its ISAPI filter key is missing (aspnet_regiis -ir adds it)`));
    }
  }
  return problems;
}

/**
 * machine.md §4: the performance counters belong to the highest registered version, the state service to a
 * registered one or none (-u of the last compatible version uninstalls it), and the ASPNET account exists
 * while any version is registered.
 */
function serviceProblems(state: MachineState): Problem[] {
  const problems: Problem[] = [];
  const registered = registeredVersions(state).filter(isFrameworkVersion);
  const { stateService, perfCounters, aspnetAccount } = state.services;
  if (perfCounters !== highest(registered)) {
    problems.push(error('services', undefined, `the performance counters belong to ${perfCounters ?? 'no version'}, not to the highest registered version (${highest(registered) ?? 'none'})`));
  }
  if (stateService !== undefined && !registered.includes(stateService)) {
    problems.push(error('services', undefined, `the ASP.NET state service belongs to ${stateService}, which is not registered`));
  }
  if (aspnetAccount !== registered.length > 0) {
    problems.push(error('services', undefined, aspnetAccount ? 'the ASPNET account exists but no version is registered' : 'versions are registered but the ASPNET account is missing'));
  }
  return problems;
}
