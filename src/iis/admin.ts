import { ROOT_PATH, type Metabase, type MetabaseKey, asList, property } from '../metabase/metabase.js';
import { isAtOrBelow, lastSegment, parentPath, pathKey, toKeyPath, toolPath } from '../metabase/paths.js';
import { listVersion } from '../metabase/scriptmaps.js';
import { type Draft, type IisMode, type MachineState, hasIis6, iisMode, normalizeDir } from '../machine/machine.js';

/**
 * Administration of sites, virtual directories, applications and pools: what IIS Manager and adsutil.vbs do.
 * Pure: each function checks its input against the machine and changes the draft, or throws `AdminError`.
 */
export class AdminError extends Error {
  override readonly name = 'AdminError';
}

export const POOLS_PATH = `${ROOT_PATH}/AppPools`;

export function requireKey(d: Pick<Draft, 'metabase'>, typed: string): MetabaseKey {
  const key = d.metabase.get(toKeyPath(typed));
  if (!key) throw new AdminError(`${typed}: no such key in the metabase`);
  return key;
}

function requirePool(d: Draft, pool: string): string {
  if (!hasIis6(d.state)) throw new AdminError('IIS 5 has no application pools');
  const key = d.metabase.get(`${POOLS_PATH}/${pool}`);
  if (!key || key.keyType !== 'IIsApplicationPool') throw new AdminError(`no application pool named ${pool} (metabase pool add ${pool})`);
  return lastSegment(key.path);
}

const BINDING = /^[^:]*:\d{1,5}:[^:]*$/;

/** Parses `--bindings` (`IP:port:host`, several separated by commas). */
export function parseBindings(text: string): string[] {
  const bindings = text.split(',').map((b) => b.trim()).filter((b) => b !== '');
  const bad = bindings.find((b) => !BINDING.test(b));
  if (bad !== undefined || bindings.length === 0) throw new AdminError(`--bindings: ${bad ?? text} is not IP:port:host (e.g. :80:www.example.com)`);
  return bindings;
}

function makeApplication(d: Draft, path: string, pool: string | undefined): void {
  d.setProperty(path, property('AppRoot', path));
  d.setProperty(path, property('AppFriendlyName', lastSegment(path)));
  d.setProperty(path, property('AppIsolated', '2'));
  if (pool !== undefined) d.setProperty(path, property('AppPoolId', requirePool(d, pool)));
}

export interface SiteSpec {
  readonly name: string;
  readonly id?: number | undefined;
  readonly bindings?: string | undefined;
  readonly path?: string | undefined;
  readonly pool?: string | undefined;
}

/** `site add`: an IIsWebServer with its ROOT application; the next free id when none is given. */
export function addSite(d: Draft, spec: SiteSpec): string {
  // Every numbered key under W3SVC counts, whatever its KeyType: a free id must not name an existing key
  // (a key made with `create W3SVC/2` would otherwise turn the default into "site 2 already exists").
  const ids = d.metabase.childrenOf(ROOT_PATH).map((k) => lastSegment(k.path)).filter((name) => /^\d+$/.test(name)).map(Number);
  const id = spec.id ?? Math.max(0, ...ids) + 1;
  if (!Number.isInteger(id) || id < 1) throw new AdminError(`--id: a site id is a positive whole number, not ${spec.id}`);
  if (d.metabase.has(`${ROOT_PATH}/${id}`)) throw new AdminError(`site ${id} already exists`);
  const bindings = parseBindings(spec.bindings ?? ':80:');
  const home = normalizeDir(spec.path ?? `C:\\Inetpub\\${spec.name}`);
  if (spec.pool !== undefined) requirePool(d, spec.pool);
  const site = `${ROOT_PATH}/${id}`;
  d.createKey(site, 'IIsWebServer');
  d.setProperty(site, property('ServerComment', spec.name));
  d.setProperty(site, property('ServerBindings', bindings));
  d.createKey(`${site}/ROOT`, 'IIsWebVirtualDir');
  d.setProperty(`${site}/ROOT`, property('Path', home));
  makeApplication(d, `${site}/ROOT`, spec.pool);
  d.setProperty(`${site}/ROOT`, property('AppFriendlyName', 'Default Application'));
  d.mkdir(home);
  return site;
}

/** `vdir add`: an IIsWebVirtualDir under an existing key; `app` makes it an application. */
export function addVirtualDirectory(d: Draft, typed: string, dir: string, app: boolean, pool: string | undefined): string {
  const path = toKeyPath(typed);
  if (d.metabase.has(path)) throw new AdminError(`${typed} already exists`);
  const parent = parentPath(path);
  if (parent === undefined || !d.metabase.has(parent)) throw new AdminError(`${typed}: its parent ${toolPath(parent ?? '/')} does not exist`);
  if (pool !== undefined && !app) throw new AdminError('--pool needs --app: only an application runs in a pool');
  const key = d.createKey(path, 'IIsWebVirtualDir');
  d.setProperty(key.path, property('Path', normalizeDir(dir)));
  if (app) makeApplication(d, key.path, pool);
  d.mkdir(dir);
  return key.path;
}

export function createApplication(d: Draft, typed: string, pool: string | undefined): string {
  const key = requireKey(d, typed);
  makeApplication(d, key.path, pool);
  return key.path;
}

export function deleteApplication(d: Draft, typed: string): string {
  const key = requireKey(d, typed);
  if (!d.metabase.isApplication(key)) throw new AdminError(`${typed} is not an application`);
  for (const name of ['AppRoot', 'AppFriendlyName', 'AppIsolated']) d.deleteProperty(key.path, name);
  return key.path;
}

export function addPool(d: Draft, name: string): string {
  if (!hasIis6(d.state)) throw new AdminError('IIS 5 has no application pools');
  if (!/^[^/\\]+$/.test(name)) throw new AdminError(`${name}: a pool name cannot contain / or \\`);
  if (d.metabase.has(`${POOLS_PATH}/${name}`)) throw new AdminError(`application pool ${name} already exists`);
  if (!d.metabase.has(POOLS_PATH)) d.createKey(POOLS_PATH, 'IIsApplicationPools');
  return d.createKey(`${POOLS_PATH}/${name}`, 'IIsApplicationPool').path;
}

export function assignPool(d: Draft, typed: string, pool: string): string {
  const key = requireKey(d, typed);
  d.setProperty(key.path, property('AppPoolId', requirePool(d, pool)));
  return key.path;
}

/** `mode`: IIS 6 worker process isolation, or IIS 5 isolation mode (`IIs5IsolationModeEnabled`). */
export function setIisMode(d: Draft, mode: Exclude<IisMode, 'iis5'>): void {
  if (!hasIis6(d.state)) throw new AdminError('this machine runs IIS 5.0, which has one process model only');
  d.setProperty(ROOT_PATH, { ...property('IIs5IsolationModeEnabled', mode === 'iis6' ? 'FALSE' : 'TRUE'), dataType: 'DWORD' });
}

export interface PoolMember {
  readonly path: string;
  /** The application's ASP.NET version (its effective ScriptMaps), undefined when it has none. */
  readonly version: string | undefined;
}

/**
 * The app pool a key runs in: its effective `AppPoolId`, named as the pool's key spells it; `exists` is false
 * when no such pool is defined (IIS answers 503 there). Undefined when no `AppPoolId` applies (IIS 5).
 */
export function poolOf(metabase: Metabase, path: string): { readonly name: string; readonly exists: boolean } | undefined {
  const poolId = metabase.effective(path, 'AppPoolId')?.property.value;
  if (typeof poolId !== 'string') return undefined;
  const key = metabase.get(`${POOLS_PATH}/${poolId}`);
  return { name: key ? lastSegment(key.path) : poolId, exists: key?.keyType === 'IIsApplicationPool' };
}

/** Each pool with its applications (their effective `AppPoolId`) and their versions, pools in metabase order. */
export function poolMembers(state: Pick<MachineState, 'metabase'>): Map<string, PoolMember[]> {
  const pools = new Map<string, PoolMember[]>();
  for (const pool of state.metabase.childrenOf(POOLS_PATH)) pools.set(lastSegment(pool.path), []);
  for (const app of state.metabase.applications()) {
    const name = poolOf(state.metabase, app.path)?.name;
    if (name === undefined) continue;
    if (!pools.has(name)) pools.set(name, []);
    const version = listVersion(asList(state.metabase.effective(app.path, 'ScriptMaps')?.property.value));
    pools.get(name)!.push({ path: app.path, version });
  }
  return pools;
}

/**
 * The pool `recycle POOL` names, as its key spells it. Pools run worker processes only in IIS 6 worker
 * process isolation mode; in IIS 5 isolation mode, `iisreset` is what stops aspnet_wp.exe.
 */
export function recyclablePool(state: Pick<MachineState, 'os' | 'metabase'>, typed: string): string {
  if (!hasIis6(state)) throw new AdminError('IIS 5 has no application pools (metabase iisreset stops aspnet_wp.exe)');
  if (iisMode(state) !== 'iis6') throw new AdminError('application pools run no worker process in IIS 5 isolation mode (metabase iisreset stops aspnet_wp.exe)');
  const key = state.metabase.get(`${POOLS_PATH}/${typed}`);
  if (!key || key.keyType !== 'IIsApplicationPool' || typed.includes('/')) throw new AdminError(`no application pool named ${typed} (metabase pool list)`);
  return lastSegment(key.path);
}

export const isPoolPath = (path: string): boolean => pathKey(path).startsWith(pathKey(POOLS_PATH) + '/');

/** Keys `delete` refuses to remove: without them there is no web service left to rehearse on. */
const PROTECTED_KEYS = new Set(['/lm', pathKey(ROOT_PATH)]);

/** `set PATH PROP VALUE...` (adsutil SET): a MULTISZ property takes one value per entry, any other exactly one. */
export function setRaw(d: Draft, typed: string, name: string, values: readonly string[]): string {
  const key = requireKey(d, typed);
  const existing = key.properties.get(name.toLowerCase());
  const template = existing ?? property(name, values.length > 1 ? values : (values[0] ?? ''));
  const isList = existing ? typeof existing.value !== 'string' : template.dataType === 'MULTISZ';
  if (!isList && values.length !== 1) throw new AdminError(`${template.name} is not a list: give exactly one value`);
  d.setProperty(key.path, { ...template, value: isList ? [...values] : values[0]! });
  return key.path;
}

/** `delete PATH [PROP]` (adsutil DELETE): a property, or a key with everything below it. */
export function deleteRaw(d: Draft, typed: string, name: string | undefined): string {
  const key = requireKey(d, typed);
  if (name === undefined) {
    if (PROTECTED_KEYS.has(pathKey(key.path))) throw new AdminError(`${typed}: refusing to delete ${key.path}, the web service itself`);
    refuseDeletingPoolInUse(d, key);
    d.deleteKey(key.path);
  } else {
    if (!key.properties.has(name.toLowerCase())) throw new AdminError(`${typed}: holds no ${name} of its own`);
    d.deleteProperty(key.path, name);
  }
  return key.path;
}

/** IIS Manager refuses to delete a pool that applications still run in; so does `delete`. */
function refuseDeletingPoolInUse(d: Draft, key: MetabaseKey): void {
  const pools = key.keyType === 'IIsApplicationPool' ? [key] : [...d.metabase.walk(key.path)].filter((k) => k.keyType === 'IIsApplicationPool');
  const members = pools.length > 0 ? poolMembers(d.state) : new Map<string, PoolMember[]>();
  for (const pool of pools) {
    const name = lastSegment(pool.path);
    const apps = (members.get(name) ?? []).filter((app) => !isAtOrBelow(app.path, key.path));
    if (apps.length > 0) {
      throw new AdminError(`application pool ${name} still has applications (${apps.map((a) => toolPath(a.path)).join(', ')}): assign them another pool first`);
    }
  }
}

/** `create PATH [--type T]` (adsutil CREATE): a new key under an existing one. */
export function createRaw(d: Draft, typed: string, keyType: string): string {
  const path = toKeyPath(typed);
  if (d.metabase.has(path)) throw new AdminError(`${typed} already exists`);
  const parent = parentPath(path);
  if (parent === undefined || (parent !== '/' && !d.metabase.has(parent))) throw new AdminError(`${typed}: its parent ${toolPath(parent ?? '/')} does not exist`);
  return d.createKey(path, keyType).path;
}
