import fc from 'fast-check';
import { Metabase, type MetabaseKey, type Property, ROOT_PATH, property } from '../../src/metabase/metabase.js';
import { moveList } from '../../src/metabase/scriptmaps.js';
import { toolPath } from '../../src/metabase/paths.js';
import type { Change, FrameworkState, MachineState } from '../../src/machine/machine.js';
import { processorPath } from '../../src/machine/machine.js';
import { type ProfileName, buildProfile, iisDefaultScriptMaps } from '../../src/machine/profiles.js';
import { FRAMEWORK_VERSIONS, type FrameworkVersion } from '../../src/regiis/frameworks.js';

/**
 * fast-check arbitraries for property tests: random machines (a profile, then random keys holding every
 * kind of ScriptMaps list, random framework states and missing homes) and random tool command lines.
 */

type ListKind =
  | { readonly kind: 'inherit' }
  | { readonly kind: 'version'; readonly version: FrameworkVersion }
  | { readonly kind: 'mixed'; readonly a: FrameworkVersion; readonly b: FrameworkVersion }
  | { readonly kind: 'custom' }
  | { readonly kind: 'empty' }
  | { readonly kind: 'odd' };

const version = fc.constantFrom(...FRAMEWORK_VERSIONS);

const listKind: fc.Arbitrary<ListKind> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'inherit' as const }) },
  { weight: 4, arbitrary: version.map((v) => ({ kind: 'version' as const, version: v })) },
  { weight: 1, arbitrary: fc.tuple(version, version).map(([a, b]) => ({ kind: 'mixed' as const, a, b })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'custom' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'empty' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'odd' as const }) },
);

/** The ScriptMaps list a key gets, or undefined (it inherits). */
function listFor(state: MachineState, kind: ListKind): readonly string[] | undefined {
  const base = iisDefaultScriptMaps(state.windir);
  const on = (v: FrameworkVersion, list = base) => moveList(list, v, processorPath(state, v));
  switch (kind.kind) {
    case 'inherit':
      return undefined;
    case 'version':
      return on(kind.version);
    case 'mixed': {
      // A hand-edited list: the first half of one version's entries, then another's (later duplicates too).
      const a = on(kind.a);
      return [...a.slice(0, 14), ...on(kind.b, []).slice(0, 10)];
    }
    case 'custom':
      return ['.php,C:\\PHP\\php5isapi.dll,5', '.aspx,C:\\Custom\\handler.dll,1,GET,POST', ...base.slice(0, 2)];
    case 'empty':
      return [];
    case 'odd':
      // ASP.NET processors in folders that name no version (0.0.0) and a beta's, plus a custom .config handler.
      return [
        '.aspx,C:\\WINDOWS\\Microsoft.NET\\Framework\\current\\aspnet_isapi.dll,1,GET,HEAD,POST,DEBUG',
        '.asmx,C:\\WINDOWS\\Microsoft.NET\\Framework\\v2.0.40607\\ASPNET_ISAPI.DLL,1',
        '.config,C:\\Custom\\deny.dll,5',
        ...base,
      ];
  }
}

interface KeySpec {
  readonly parent: number;
  readonly name: string;
  readonly list: ListKind;
  readonly app: boolean;
  readonly pool: string | undefined;
}

const keySpec: fc.Arbitrary<KeySpec> = fc.record({
  parent: fc.nat(),
  name: fc.constantFrom('App', 'Sub', 'api', 'Legacy', 'Shop', 'x'),
  list: listKind,
  app: fc.boolean(),
  pool: fc.option(fc.constantFrom('DefaultAppPool', 'Pool2', 'Missing'), { nil: undefined }),
});

const mostly = (value: boolean) => fc.oneof({ weight: 3, arbitrary: fc.constant(value) }, { weight: 1, arbitrary: fc.constant(!value) });
const frameworkSpec = fc.record({ installed: mostly(true), registered: mostly(true), isapi: mostly(true) });

export interface MachineSpec {
  readonly profile: ProfileName;
  readonly root: ListKind | undefined;
  readonly keys: readonly KeySpec[];
  readonly sites: number;
  readonly frameworks: readonly ({ installed: boolean; registered: boolean; isapi: boolean } | null)[];
  readonly missingHomes: boolean;
}

export const machineSpec: fc.Arbitrary<MachineSpec> = fc.record({
  profile: fc.constantFrom<ProfileName>('win2003', 'win2003-net20', 'win2003-net40', 'win2000', 'iis6-bare'),
  root: fc.option(listKind, { nil: undefined }),
  keys: fc.array(keySpec, { maxLength: 14 }),
  sites: fc.integer({ min: 0, max: 2 }),
  // Mostly the profile's frameworks; now and then a version in any state, registered or not, files or not.
  frameworks: fc.array(fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: frameworkSpec }), { minLength: 4, maxLength: 4 }),
  missingHomes: mostly(false),
});

const put = (m: Metabase, path: string, keyType: string, props: Property[]): void =>
  m.put({ path, keyType, properties: new Map(props.map((p) => [p.name.toLowerCase(), p])) });

/** Builds the machine a spec describes. */
export function buildMachine(spec: MachineSpec): MachineState {
  const state = buildProfile(spec.profile);
  const m = state.metabase;
  if (spec.root !== undefined) {
    const list = listFor(state, spec.root);
    const root = m.get(ROOT_PATH)!;
    const properties = new Map(root.properties);
    if (list === undefined) properties.delete('scriptmaps');
    else properties.set('scriptmaps', property('ScriptMaps', list));
    m.put({ ...root, properties });
  }
  if (state.os === 'win2003') put(m, '/LM/W3SVC/AppPools/Pool2', 'IIsApplicationPool', []);
  const nodes = [ROOT_PATH, '/LM/W3SVC/1/ROOT'];
  for (let s = 0; s < spec.sites; s++) {
    const site = `/LM/W3SVC/${10 + s}`;
    put(m, site, 'IIsWebServer', [property('ServerComment', `Site ${s}`), property('ServerBindings', [`:80:s${s}`])]);
    const home = `C:\\Sites\\S${s}`;
    put(m, `${site}/ROOT`, 'IIsWebVirtualDir', [property('Path', home), property('AppRoot', `${site}/ROOT`)]);
    if (!spec.missingHomes) state.directories.set(home.toLowerCase(), home);
    nodes.push(`${site}/ROOT`);
  }
  for (const [i, key] of spec.keys.entries()) {
    const parent = nodes[key.parent % nodes.length]!;
    const path = `${parent}/${key.name}${i}`;
    const list = listFor(state, key.list);
    const props: Property[] = [property('Path', `C:\\Sites\\K${i}`)];
    if (key.app) props.push(property('AppRoot', path));
    if (key.pool !== undefined && state.os === 'win2003') props.push(property('AppPoolId', key.pool));
    if (list !== undefined) props.push(property('ScriptMaps', list));
    put(m, path, 'IIsWebVirtualDir', props);
    nodes.push(path);
  }
  for (const [i, f] of spec.frameworks.entries()) {
    if (f === null) continue;
    const v = FRAMEWORK_VERSIONS[i]!;
    state.frameworks.set(v, { version: v, installed: f.installed, registered: f.registered, isapiPresent: f.installed && f.isapi });
  }
  if (spec.missingHomes) state.directories.delete('c:\\inetpub\\wwwroot');
  return state;
}

const ACTIONS = ['-i', '-ir', '-iru', '-r', '-s', '-sn', '-k', '-kn', '-u', '-ua', '-lv', '-lk', '-c', '-e', '-ea', '-ga'] as const;

export interface CommandSpec {
  readonly tool: FrameworkVersion;
  readonly action: (typeof ACTIONS)[number];
  /** Which key the path argument names (an index into the machine's keys), or a missing one. */
  readonly target: number | 'missing';
  readonly typing: 'as-is' | 'upper' | 'slash';
  readonly modifiers: readonly ('-norestart' | '-enable' | '-disable')[];
}

export const commandSpec: fc.Arbitrary<CommandSpec> = fc.record({
  tool: version,
  action: fc.constantFrom(...ACTIONS),
  target: fc.oneof({ weight: 5, arbitrary: fc.nat() }, { weight: 1, arbitrary: fc.constant('missing' as const) }),
  typing: fc.constantFrom('as-is' as const, 'upper' as const, 'slash' as const),
  modifiers: fc.oneof({ weight: 4, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.subarray(['-norestart', '-enable', '-disable'] as const, { maxLength: 1 }) }),
});

/** The tool's words for a command on a machine, with the path typed as a user might. */
export function commandWords(state: MachineState, spec: CommandSpec): string[] {
  const words: string[] = [spec.action];
  if (['-s', '-sn', '-k', '-kn', '-ga'].includes(spec.action)) {
    const keys = [...state.metabase.all()];
    let path = spec.target === 'missing' ? 'W3SVC/1/ROOT/NoSuchApp' : toolPath(keys[spec.target % keys.length]!.path);
    if (spec.action === '-ga') path = 'NT AUTHORITY\\NETWORK SERVICE';
    if (spec.typing === 'upper') path = path.toUpperCase();
    if (spec.typing === 'slash') path = `/LM/${path}/`;
    words.push(path);
  }
  return [...words, ...spec.modifiers];
}

/** A deep copy, so a run can be compared with (and replayed on) the machine it started from. */
export function cloneState(state: MachineState): MachineState {
  const keys: MetabaseKey[] = [...state.metabase.all()].map((k) => ({ ...k, properties: new Map(k.properties) }));
  return {
    ...state,
    metabase: new Metabase(keys),
    frameworks: new Map(state.frameworks),
    directories: new Map(state.directories),
    services: { ...state.services },
  };
}

/** Everything the machine holds, as text: equal texts, equal machines (key order and property order too). */
export function describeState(state: MachineState): string {
  const keys = [...state.metabase.all()].map((k) => [k.path, k.keyType, [...k.properties.values()].map((p) => [p.name, p.value, p.dataType ?? null])]);
  const frameworks = [...state.frameworks.values()]
    .sort((a, b) => (a.version < b.version ? -1 : 1))
    .map((f) => [f.version, f.installed, f.registered, f.isapiPresent]);
  const directories = [...state.directories].sort(([a], [b]) => (a < b ? -1 : 1));
  const { stateService, perfCounters, aspnetAccount } = state.services;
  return JSON.stringify({ keys, frameworks, directories, services: [stateService ?? null, perfCounters ?? null, aspnetAccount], setupLog: state.setupLogCounter, os: state.os });
}

/** Replays recorded changes on a machine, as the store does on its rows (grants live in the file only). */
export function replay(state: MachineState, changes: readonly Change[]): void {
  const m = state.metabase;
  for (const change of changes) {
    switch (change.kind) {
      case 'createKey':
        m.put({ path: change.path, keyType: change.keyType, properties: new Map() });
        break;
      case 'deleteKey':
        m.remove(change.path);
        break;
      case 'setProperty':
      case 'deleteProperty': {
        const key = m.get(change.path)!;
        const properties = new Map(key.properties);
        if (change.kind === 'setProperty') properties.set(change.after.name.toLowerCase(), change.after);
        else properties.delete(change.before.name.toLowerCase());
        m.put({ ...key, properties });
        break;
      }
      case 'framework':
        state.frameworks.set(change.after.version, change.after as FrameworkState);
        break;
      case 'mkdir':
        state.directories.set(change.path.toLowerCase(), change.path);
        break;
      case 'rmdir':
        state.directories.delete(change.path.toLowerCase());
        break;
      case 'services':
        state.services = change.after;
        break;
      case 'setupLog':
        state.setupLogCounter = change.next;
        break;
      case 'grant':
        break;
    }
  }
}
