import { Metabase, type MetabaseKey, type Property, ROOT_PATH, asList } from '../metabase/metabase.js';
import { parentPath, pathKey } from '../metabase/paths.js';
import { withProperty, withoutProperty } from '../metabase/properties.js';
import type { FrameworkVersion } from '../regiis/frameworks.js';
import { facts } from '../regiis/frameworks.js';

/** The operating system of the virtual machine: it fixes the IIS version and the Windows folder. */
export type Os = 'win2003' | 'win2000';

/** machine.md §5: IIS 5 (Windows 2000), IIS 6 worker process isolation, or IIS 6 in IIS 5 isolation mode. */
export type IisMode = 'iis5' | 'iis6' | 'iis6-iis5-isolation';

export interface FrameworkState {
  readonly version: FrameworkVersion;
  /** Its folder and tool exist on the machine. */
  readonly installed: boolean;
  /** Registered with IIS (setup, -i, -ir, -iru, -r; until -u / -ua). */
  readonly registered: boolean;
  /** False after `metabase framework break`: `-lv` shows it `Invalid`, its tool still runs. */
  readonly isapiPresent: boolean;
}

/** The shared pieces that belong to one version at a time (machine.md §4). */
export interface Services {
  readonly stateService: FrameworkVersion | undefined;
  readonly perfCounters: FrameworkVersion | undefined;
  readonly aspnetAccount: boolean;
}

/** A `-ga` grant: a principal given access to the metabase and a version's directories. */
export interface Grant {
  readonly principal: string;
  readonly version: FrameworkVersion;
}

export interface MachineState {
  readonly profile: string;
  readonly os: Os;
  /** The Windows folder (`C:\\WINDOWS`): every processor path the tool writes starts with it. */
  windir: string;
  readonly metabase: Metabase;
  readonly frameworks: Map<FrameworkVersion, FrameworkState>;
  /** The virtual file system: directories that exist, by lower-case path. */
  readonly directories: Map<string, string>;
  services: Services;
  /** The number of the next `ASPNETSetup_NNNNN.log` a failing run names. */
  setupLogCounter: number;
  /** `-ga` grants, each principal and version once. */
  readonly grants: Grant[];
}

/** True when `principal` already holds a grant for `version` (principals compare case-insensitively, as Windows names do). */
export const hasGrant = (state: Pick<MachineState, 'grants'>, principal: string, version: FrameworkVersion): boolean =>
  state.grants.some((g) => g.version === version && g.principal.toLowerCase() === principal.toLowerCase());

export function iisMode(state: Pick<MachineState, 'os' | 'metabase'>): IisMode {
  if (state.os === 'win2000') return 'iis5';
  const flag = state.metabase.explicit(ROOT_PATH, 'IIs5IsolationModeEnabled')?.value;
  return typeof flag === 'string' && /^(true|1)$/i.test(flag) ? 'iis6-iis5-isolation' : 'iis6';
}

/** IIS 6 has Web Service Extensions and application pools; IIS 5 has neither. */
export const hasIis6 = (state: Pick<MachineState, 'os'>): boolean => state.os === 'win2003';

export function frameworkFolder(state: Pick<MachineState, 'windir'>, version: FrameworkVersion): string {
  return `${state.windir}\\Microsoft.NET\\Framework\\${facts(version).folder}`;
}

/** The processor path of a version's ASP.NET entries (machine.md §3). */
export function processorPath(state: Pick<MachineState, 'windir'>, version: FrameworkVersion): string {
  return `${frameworkFolder(state, version)}\\aspnet_isapi.dll`;
}

export function registeredVersions(state: Pick<MachineState, 'frameworks'>): FrameworkVersion[] {
  return [...state.frameworks.values()].filter((f) => f.registered).map((f) => f.version);
}

export function installedVersions(state: Pick<MachineState, 'frameworks'>): FrameworkVersion[] {
  return [...state.frameworks.values()].filter((f) => f.installed).map((f) => f.version);
}

/** Windows paths compare case-insensitively and never end with a backslash. */
export function normalizeDir(path: string): string {
  return path.trim().replace(/[\\/]+$/, '').replace(/\//g, '\\');
}

/** A site's `ROOT` application key, for every `IIsWebServer` under `/LM/W3SVC`. */
export function siteRoots(metabase: Metabase): MetabaseKey[] {
  const roots: MetabaseKey[] = [];
  for (const site of metabase.childrenOf(ROOT_PATH)) {
    if (site.keyType !== 'IIsWebServer') continue;
    const root = metabase.childrenOf(site.path).find((k) => pathKey(k.path).endsWith('/root'));
    if (root) roots.push(root);
  }
  return roots;
}

/** A change to the persisted machine: what `--what-if` shows, what the store writes. */
export type Change =
  | { readonly kind: 'createKey'; readonly path: string; readonly keyType: string }
  | { readonly kind: 'deleteKey'; readonly path: string; readonly keyType: string }
  | { readonly kind: 'setProperty'; readonly path: string; readonly before: Property | undefined; readonly after: Property }
  | { readonly kind: 'deleteProperty'; readonly path: string; readonly before: Property }
  | { readonly kind: 'framework'; readonly before: FrameworkState | undefined; readonly after: FrameworkState }
  | { readonly kind: 'mkdir'; readonly path: string }
  | { readonly kind: 'rmdir'; readonly path: string }
  | { readonly kind: 'services'; readonly before: Services; readonly after: Services }
  | { readonly kind: 'setupLog'; readonly next: number }
  | { readonly kind: 'windir'; readonly before: string; readonly after: string }
  | { readonly kind: 'grant'; readonly user: string; readonly version: FrameworkVersion };

const sameValue = (a: Property['value'], b: Property['value']): boolean =>
  a === b ||
  typeof a === 'string' || typeof b === 'string'
    ? a === b
    : a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * A machine being changed by one run. Every mutation goes through here: it updates the state in memory (so
 * later steps of the run see it) and records a `Change`, which the store writes or `--what-if` prints.
 */
export class Draft {
  readonly changes: Change[] = [];
  /** First value each touched property had before this run (undefined: it had none). */
  private readonly originals = new Map<string, Property | undefined>();

  constructor(readonly state: MachineState) {}

  get metabase(): Metabase {
    return this.state.metabase;
  }

  createKey(path: string, keyType: string): MetabaseKey {
    const existing = this.metabase.get(path);
    if (existing) return existing;
    const parent = parentPath(path);
    if (parent !== undefined && parent !== '/' && !this.metabase.has(parent)) {
      throw new Error(`cannot create ${path}: its parent ${parent} does not exist`);
    }
    const canonicalPath = parent === undefined ? path : `${this.metabase.canonical(parent)}${parent === '/' ? '' : '/'}${path.slice(path.lastIndexOf('/') + 1)}`;
    const key: MetabaseKey = { path: canonicalPath, keyType, properties: new Map() };
    this.metabase.put(key);
    this.changes.push({ kind: 'createKey', path: canonicalPath, keyType });
    return key;
  }

  deleteKey(path: string): void {
    const key = this.metabase.get(path);
    if (!key) return;
    for (const removed of this.metabase.walk(path)) {
      for (const prop of removed.properties.values()) this.remember(removed.path, prop.name, prop);
    }
    this.metabase.remove(path);
    this.changes.push({ kind: 'deleteKey', path: key.path, keyType: key.keyType });
  }

  /** Sets a property on an existing key; setting the value it already has records nothing. */
  setProperty(path: string, prop: Property): void {
    const key = this.metabase.get(path);
    if (!key) throw new Error(`no key ${path}`);
    const id = prop.name.toLowerCase();
    const before = key.properties.get(id);
    const after: Property = before ? { ...before, value: prop.value } : prop;
    if (before && sameValue(before.value, prop.value)) return;
    this.remember(key.path, prop.name, before);
    this.metabase.put({ ...key, properties: withProperty(key.properties, id, after) });
    this.changes.push({ kind: 'setProperty', path: key.path, before, after });
  }

  deleteProperty(path: string, name: string): void {
    const key = this.metabase.get(path);
    const before = key?.properties.get(name.toLowerCase());
    if (!key || !before) return;
    this.remember(key.path, name, before);
    this.metabase.put({ ...key, properties: withoutProperty(key.properties, name.toLowerCase()) });
    this.changes.push({ kind: 'deleteProperty', path: key.path, before });
  }

  /** The explicit list of a MULTISZ property at a key, empty when the key holds none. */
  list(path: string, name: string): readonly string[] {
    return asList(this.metabase.explicit(path, name)?.value);
  }

  setFramework(after: FrameworkState): void {
    const before = this.state.frameworks.get(after.version);
    if (
      before &&
      before.installed === after.installed &&
      before.registered === after.registered &&
      before.isapiPresent === after.isapiPresent
    ) {
      return;
    }
    this.state.frameworks.set(after.version, after);
    this.changes.push({ kind: 'framework', before, after });
  }

  dirExists(path: string): boolean {
    return this.state.directories.has(normalizeDir(path).toLowerCase());
  }

  /** Creates a directory and its missing parents (drive roots always exist). */
  mkdir(path: string): void {
    const parts = normalizeDir(path).split('\\');
    let dir = parts[0]!;
    for (let i = 1; i < parts.length; i++) {
      dir = `${dir}\\${parts[i]}`;
      const id = dir.toLowerCase();
      if (this.state.directories.has(id)) continue;
      this.state.directories.set(id, dir);
      this.changes.push({ kind: 'mkdir', path: dir });
    }
  }

  /** Removes a directory and everything below it. */
  rmdir(path: string): void {
    this.rmdirs([path]);
  }

  /**
   * Removes directories, each with everything below it, in one pass over the file system (a server has
   * tens of thousands of directories, and `-u` removes a client script folder under every site). The
   * changes come folder by folder, each folder's directories in file-system order, as one `rmdir` per
   * folder would record them.
   */
  rmdirs(paths: readonly string[]): void {
    const order = new Map<string, number>();
    for (const path of paths) {
      const id = normalizeDir(path).toLowerCase();
      if (!order.has(id)) order.set(id, order.size);
    }
    if (order.size === 0) return;
    // Each directory goes with the earliest named folder that holds it (the one that would have taken it).
    const buckets: [string, string][][] = Array.from({ length: order.size }, () => []);
    for (const [lc, dir] of this.state.directories) {
      let at = Infinity;
      for (let i = lc.indexOf('\\'); ; i = lc.indexOf('\\', i + 1)) {
        const folder = order.get(i < 0 ? lc : lc.slice(0, i));
        if (folder !== undefined && folder < at) at = folder;
        if (i < 0) break;
      }
      if (at !== Infinity) buckets[at]!.push([lc, dir]);
    }
    for (const bucket of buckets) {
      for (const [lc, dir] of bucket) {
        this.state.directories.delete(lc);
        this.changes.push({ kind: 'rmdir', path: dir });
      }
    }
  }

  setServices(after: Services): void {
    const before = this.state.services;
    if (
      before.stateService === after.stateService &&
      before.perfCounters === after.perfCounters &&
      before.aspnetAccount === after.aspnetAccount
    ) {
      return;
    }
    this.state.services = after;
    this.changes.push({ kind: 'services', before, after });
  }

  /** Moves the machine to another Windows folder (an imported server installed elsewhere, e.g. `D:\\WINDOWS`). */
  setWindir(after: string): void {
    const before = this.state.windir;
    if (before === after) return;
    this.state.windir = after;
    this.changes.push({ kind: 'windir', before, after });
  }

  /** Takes the next setup log number a failing run reports. */
  nextSetupLog(): number {
    const number = this.state.setupLogCounter;
    this.state.setupLogCounter = number + 1;
    this.changes.push({ kind: 'setupLog', next: number + 1 });
    return number;
  }

  /** Grants `user` access for `version`; granting what is already granted changes nothing. */
  grant(user: string, version: FrameworkVersion): void {
    if (hasGrant(this.state, user, version)) return;
    this.state.grants.push({ principal: user, version });
    this.changes.push({ kind: 'grant', user, version });
  }

  /** The value a property had at a key before this run began. */
  original(path: string, name: string): Property | undefined {
    const id = `${pathKey(path)}\0${name.toLowerCase()}`;
    return this.originals.has(id) ? this.originals.get(id) : this.metabase.explicit(path, name);
  }

  /** True when a change of this run altered the persisted machine (logs and processes aside). */
  get changed(): boolean {
    return this.changes.length > 0;
  }

  private remember(path: string, name: string, before: Property | undefined): void {
    const id = `${pathKey(path)}\0${name.toLowerCase()}`;
    if (!this.originals.has(id)) this.originals.set(id, before);
  }
}

/**
 * A copy of a machine that a `Draft` on the original cannot change: the "before" side of a plan. Keys are
 * immutable values (a draft replaces a key, never edits it), so the tree is copied by reference and the copy
 * costs one pass over the keys. A file system the store reads lazily copies itself without reading it all
 * (`copy`); the copy, like the original, reads the file as it was loaded, so it is for use before the run's
 * changes are written.
 */
export function cloneState(state: MachineState): MachineState {
  const directories = state.directories as Map<string, string> & { copy?: () => Map<string, string> };
  return {
    ...state,
    metabase: state.metabase.clone(),
    frameworks: new Map(state.frameworks),
    directories: directories.copy ? directories.copy() : new Map(directories),
    grants: [...state.grants],
  };
}
