import type { MetabaseKey, Property, PropertyValue } from '../metabase/metabase.js';
import { asList } from '../metabase/metabase.js';
import { pathKey } from '../metabase/paths.js';
import { differingIds } from '../metabase/properties.js';
import { type EntryDelta, compareLists, listVersion } from '../metabase/scriptmaps.js';
import { compareVersions } from '../regiis/frameworks.js';
import { poolMembers } from '../iis/admin.js';
import type { Change, FrameworkState, Grant, MachineState, Services } from './machine.js';

/**
 * What differs between two machines: the one description that `--what-if` prints as its plan (the machine
 * before the run against the draft after it) and `metabase diff` prints between snapshots, so the two can
 * never disagree. Plain JSON-safe data, in a canonical order (paths by segment, properties by name), so two
 * diffs compare with a deep equality.
 */
export interface MachineDiff {
  /** The machine's own facts (after a restore of a snapshot from another profile). */
  readonly machine: readonly { readonly field: 'profile' | 'os' | 'windir'; readonly before: string; readonly after: string }[];
  readonly keys: readonly KeyDelta[];
  readonly frameworks: readonly FrameworkDelta[];
  readonly services: { readonly before: ServicesView; readonly after: ServicesView } | null;
  readonly directories: { readonly added: readonly string[]; readonly removed: readonly string[] };
  readonly grants: { readonly added: readonly Grant[]; readonly removed: readonly Grant[] };
  /** Application pools whose existence or applications (by effective AppPoolId) differ. */
  readonly pools: readonly PoolDelta[];
}

/** A property as the diff shows it; `type` is the stored data type (MULTISZ for every list). */
export interface PropertySide {
  readonly name: string;
  readonly type: string;
  readonly value: PropertyValue;
  readonly id?: number;
  readonly userType?: string;
  readonly attributes?: string;
}

export interface PropertyDelta {
  readonly name: string;
  readonly before: PropertySide | null;
  readonly after: PropertySide | null;
}

/** A key's effective ScriptMaps on each side, when its explicit list changed: the version and the entries. */
export interface ScriptMapsDelta extends EntryDelta {
  readonly before: { readonly version: string | null; readonly inherited: boolean; readonly list: readonly string[] };
  readonly after: { readonly version: string | null; readonly inherited: boolean; readonly list: readonly string[] };
}

export interface KeyDelta {
  /** The path as stored (the later side's case when the key exists there). */
  readonly path: string;
  readonly change: 'added' | 'removed' | 'changed';
  readonly keyType: { readonly before: string | null; readonly after: string | null };
  readonly properties: readonly PropertyDelta[];
  readonly scriptMaps: ScriptMapsDelta | null;
}

export interface FrameworkView {
  readonly installed: boolean;
  readonly registered: boolean;
  readonly isapiPresent: boolean;
}

export interface FrameworkDelta {
  readonly version: string;
  readonly before: FrameworkView | null;
  readonly after: FrameworkView | null;
}

export interface ServicesView {
  readonly stateService: string | null;
  readonly perfCounters: string | null;
  readonly aspnetAccount: boolean;
}

export interface PoolDelta {
  readonly pool: string;
  readonly change: 'added' | 'removed' | 'changed';
  /** Applications that run in the pool on the later side only / the earlier side only. */
  readonly joined: readonly string[];
  readonly left: readonly string[];
}

/** Orders paths segment by segment, case-insensitively, so a parent always comes before its children. */
export function comparePaths(a: string, b: string): number {
  const sa = pathKey(a).split('/');
  const sb = pathKey(b).split('/');
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    if (sa[i] !== sb[i]) return sa[i]! < sb[i]! ? -1 : 1;
  }
  return sa.length - sb.length;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Sorts items by path in `comparePaths` order, splitting each path once (a run can change 20 000 keys). */
function sortByPath<T extends { readonly path: string }>(items: T[]): void {
  const segments = new Map(items.map((item) => [item, pathKey(item.path).split('/')]));
  items.sort((x, y) => {
    const sa = segments.get(x)!;
    const sb = segments.get(y)!;
    for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
      if (sa[i] !== sb[i]) return sa[i]! < sb[i]! ? -1 : 1;
    }
    return sa.length - sb.length;
  });
}

/** The stored form of a property: a list is always MULTISZ, anything else keeps its type (STRING by default). */
function side(prop: Property): PropertySide {
  return {
    name: prop.name,
    type: typeof prop.value === 'string' ? (prop.dataType ?? 'STRING') : 'MULTISZ',
    value: prop.value,
    ...(prop.id !== undefined ? { id: prop.id } : {}),
    ...(prop.userType !== undefined ? { userType: prop.userType } : {}),
    ...(prop.attributes !== undefined ? { attributes: prop.attributes } : {}),
  };
}

function sameSide(a: PropertySide, b: PropertySide): boolean {
  if (a.type !== b.type || a.id !== b.id || a.userType !== b.userType || a.attributes !== b.attributes) return false;
  if (typeof a.value === 'string' || typeof b.value === 'string') return a.value === b.value;
  return a.value.length === b.value.length && a.value.every((v, i) => v === (b.value as readonly string[])[i]);
}

function effectiveList(state: MachineState, path: string): { list: readonly string[]; inherited: boolean } {
  const found = state.metabase.effective(path, 'ScriptMaps');
  return { list: asList(found?.property.value), inherited: found !== undefined && pathKey(found.from) !== pathKey(path) };
}

function keyDelta(before: MachineState, after: MachineState, a: MetabaseKey | undefined, b: MetabaseKey | undefined): KeyDelta | undefined {
  if (a === b) return undefined;
  const names = a && b ? differingIds(a.properties, b.properties) : new Set([...(a?.properties.keys() ?? []), ...(b?.properties.keys() ?? [])]);
  const properties: PropertyDelta[] = [];
  for (const id of [...names].sort(byText)) {
    const pa = a?.properties.get(id);
    const pb = b?.properties.get(id);
    const sa = pa === undefined ? null : side(pa);
    const sb = pb === undefined ? null : side(pb);
    if (sa !== null && sb !== null && sameSide(sa, sb)) continue;
    properties.push({ name: (pb ?? pa)!.name, before: sa, after: sb });
  }
  const keyType = { before: a?.keyType ?? null, after: b?.keyType ?? null };
  if (a !== undefined && b !== undefined && properties.length === 0 && a.keyType === b.keyType) return undefined;
  const path = (b ?? a)!.path;
  let scriptMaps: ScriptMapsDelta | null = null;
  if (b !== undefined && properties.some((p) => p.name.toLowerCase() === 'scriptmaps')) {
    const eb = effectiveList(before, path);
    const ea = effectiveList(after, path);
    scriptMaps = {
      before: { version: listVersion(eb.list) ?? null, inherited: eb.inherited, list: eb.list },
      after: { version: listVersion(ea.list) ?? null, inherited: ea.inherited, list: ea.list },
      ...compareLists(eb.list, ea.list),
    };
  }
  return { path, change: a === undefined ? 'added' : b === undefined ? 'removed' : 'changed', keyType, properties, scriptMaps };
}

const frameworkView = (f: FrameworkState | undefined): FrameworkView | null =>
  f === undefined ? null : { installed: f.installed, registered: f.registered, isapiPresent: f.isapiPresent };

const servicesView = (s: Services): ServicesView => ({
  stateService: s.stateService ?? null,
  perfCounters: s.perfCounters ?? null,
  aspnetAccount: s.aspnetAccount,
});

const grantId = (g: Grant): string => `${g.version}\0${g.principal.toLowerCase()}`;

/** Pools whose applications differ; only worth computing when a key, AppRoot or AppPoolId changed. */
function poolDeltas(before: MachineState, after: MachineState): PoolDelta[] {
  const a = poolMembers(before);
  const b = poolMembers(after);
  const byLower = (m: ReturnType<typeof poolMembers>) => new Map([...m].map(([name, apps]) => [name.toLowerCase(), { name, apps }]));
  const la = byLower(a);
  const lb = byLower(b);
  const deltas: PoolDelta[] = [];
  for (const id of [...new Set([...la.keys(), ...lb.keys()])].sort(byText)) {
    const pa = la.get(id);
    const pb = lb.get(id);
    const appsA = new Map((pa?.apps ?? []).map((m) => [pathKey(m.path), m.path]));
    const appsB = new Map((pb?.apps ?? []).map((m) => [pathKey(m.path), m.path]));
    const joined = [...appsB].filter(([lc]) => !appsA.has(lc)).map(([, p]) => p).sort(comparePaths);
    const left = [...appsA].filter(([lc]) => !appsB.has(lc)).map(([, p]) => p).sort(comparePaths);
    if (pa && pb && joined.length === 0 && left.length === 0) continue;
    deltas.push({ pool: (pb ?? pa)!.name, change: pa === undefined ? 'added' : pb === undefined ? 'removed' : 'changed', joined, left });
  }
  return deltas;
}

const POOL_PROPERTIES = new Set(['approot', 'apppoolid']);

/**
 * Where two machines can differ in keys and directories, when that is known: the keys (by `pathKey`) and
 * directories (lower-case) a run's changes touched. `-r` on a hosting server changes 20 000 of 100 000 keys
 * and no directory; the diff then looks at those keys only.
 */
export interface DiffScope {
  readonly keys: ReadonlySet<string>;
  readonly directories: ReadonlySet<string>;
}

/** The scope of a run's changes; `before` is the machine they were made to (a deleted key takes its subtree). */
export function scopeOf(before: MachineState, changes: readonly Change[]): DiffScope {
  const keys = new Set<string>();
  const directories = new Set<string>();
  for (const change of changes) {
    switch (change.kind) {
      case 'deleteKey':
        for (const key of before.metabase.walk(change.path)) keys.add(pathKey(key.path));
        keys.add(pathKey(change.path));
        break;
      case 'createKey':
      case 'setProperty':
      case 'deleteProperty':
        keys.add(pathKey(change.path));
        break;
      case 'mkdir':
      case 'rmdir':
        directories.add(change.path.toLowerCase());
        break;
    }
  }
  return { keys, directories };
}

/** The keys to compare, as pairs of before and after: every key of either side, or the scope's. */
function* keyPairs(before: MachineState, after: MachineState, scope: DiffScope | undefined): Generator<[MetabaseKey | undefined, MetabaseKey | undefined]> {
  if (scope) {
    for (const id of scope.keys) yield [before.metabase.get(id), after.metabase.get(id)];
    return;
  }
  for (const a of before.metabase.all()) yield [a, after.metabase.get(a.path)];
  for (const b of after.metabase.all()) if (!before.metabase.has(b.path)) yield [undefined, b];
}

/** The directories one side has and the other has not, by path in case-insensitive order. */
function directoriesOnlyIn(side: ReadonlyMap<string, string>, other: ReadonlyMap<string, string>, scope: DiffScope | undefined): string[] {
  const candidates: Iterable<string> = scope ? scope.directories : side.keys();
  const only: [string, string][] = [];
  for (const lc of candidates) {
    const path = side.get(lc);
    if (path !== undefined && !other.has(lc)) only.push([lc, path]);
  }
  return only.sort(([x], [y]) => byText(x, y)).map(([, path]) => path);
}

/**
 * Everything that differs between two machines (the persisted machine: no logs, no worker processes). With
 * a `scope`, keys and directories are compared only where it says they can differ.
 */
export function diffMachines(before: MachineState, after: MachineState, scope?: DiffScope): MachineDiff {
  const machine: MachineDiff['machine'][number][] = [];
  for (const field of ['profile', 'os', 'windir'] as const) {
    if (before[field] !== after[field]) machine.push({ field, before: before[field], after: after[field] });
  }

  const keys: KeyDelta[] = [];
  for (const [a, b] of keyPairs(before, after, scope)) {
    const delta = keyDelta(before, after, a, b);
    if (delta) keys.push(delta);
  }
  sortByPath(keys);

  const frameworks: FrameworkDelta[] = [];
  const versions = [...new Set([...before.frameworks.keys(), ...after.frameworks.keys()])].sort(compareVersions);
  for (const version of versions) {
    const fa = frameworkView(before.frameworks.get(version));
    const fb = frameworkView(after.frameworks.get(version));
    if (JSON.stringify(fa) !== JSON.stringify(fb)) frameworks.push({ version, before: fa, after: fb });
  }

  const sa = servicesView(before.services);
  const sb = servicesView(after.services);
  const services = JSON.stringify(sa) === JSON.stringify(sb) ? null : { before: sa, after: sb };

  const directories = {
    added: directoriesOnlyIn(after.directories, before.directories, scope),
    removed: directoriesOnlyIn(before.directories, after.directories, scope),
  };

  const grantsA = new Map(before.grants.map((g) => [grantId(g), g]));
  const grantsB = new Map(after.grants.map((g) => [grantId(g), g]));
  const sortGrants = (list: Grant[]) => list.sort((x, y) => byText(grantId(x), grantId(y))).map((g) => ({ principal: g.principal, version: g.version }));
  const grants = {
    added: sortGrants([...grantsB].filter(([id]) => !grantsA.has(id)).map(([, g]) => g)),
    removed: sortGrants([...grantsA].filter(([id]) => !grantsB.has(id)).map(([, g]) => g)),
  };

  const poolsMayDiffer = keys.some((k) => k.change !== 'changed' || k.properties.some((p) => POOL_PROPERTIES.has(p.name.toLowerCase())));
  const pools = poolsMayDiffer ? poolDeltas(before, after) : [];

  return { machine, keys, frameworks, services, directories, grants, pools };
}

/** True when the two machines are the same: a change is any difference in the persisted machine (aspnet_regiis.md). */
export function isEmptyDiff(diff: MachineDiff): boolean {
  return (
    diff.machine.length === 0 &&
    diff.keys.length === 0 &&
    diff.frameworks.length === 0 &&
    diff.services === null &&
    diff.directories.added.length === 0 &&
    diff.directories.removed.length === 0 &&
    diff.grants.added.length === 0 &&
    diff.grants.removed.length === 0
  );
}

/** A worker process and its AppDomains (machine.md §5), as the runtime tables hold them. */
export interface WorkerView {
  readonly id: number;
  readonly image: string;
  readonly pool: string | null;
  readonly clr: string | null;
  readonly startedAt: string;
  readonly appDomains: readonly { readonly path: string; readonly clr: string }[];
}

export interface WorkerDelta {
  readonly worker: { readonly image: string; readonly pool: string | null; readonly clr: string | null; readonly startedAt: string };
  readonly change: 'started' | 'stopped' | 'changed';
  /** AppDomains loaded on the later side only / the earlier side only. */
  readonly loaded: readonly string[];
  readonly unloaded: readonly string[];
}

/**
 * Worker processes that differ. A process is the same on both sides when its id, image, pool and start time
 * match (ids are reused after a restart, start times tell the two apart); its AppDomains are compared by path.
 */
export function diffWorkers(before: readonly WorkerView[], after: readonly WorkerView[]): WorkerDelta[] {
  const identity = (w: WorkerView): string => `${w.id}\0${w.image}\0${w.pool ?? ''}\0${w.startedAt}`;
  const a = new Map(before.map((w) => [identity(w), w]));
  const b = new Map(after.map((w) => [identity(w), w]));
  const deltas: WorkerDelta[] = [];
  for (const id of [...new Set([...a.keys(), ...b.keys()])].sort(byText)) {
    const wa = a.get(id);
    const wb = b.get(id);
    const w = (wb ?? wa)!;
    const domainsA = new Set((wa?.appDomains ?? []).map((d) => d.path));
    const domainsB = new Set((wb?.appDomains ?? []).map((d) => d.path));
    const loaded = [...domainsB].filter((p) => !domainsA.has(p)).sort(comparePaths);
    const unloaded = [...domainsA].filter((p) => !domainsB.has(p)).sort(comparePaths);
    if (wa && wb && wa.clr === wb.clr && loaded.length === 0 && unloaded.length === 0) continue;
    deltas.push({
      worker: { image: w.image, pool: w.pool, clr: w.clr, startedAt: w.startedAt },
      change: wa === undefined ? 'started' : wb === undefined ? 'stopped' : 'changed',
      loaded,
      unloaded,
    });
  }
  return deltas;
}
