import { Metabase, type MetabaseKey, type Property, asList } from '../metabase/metabase.js';
import { isAtOrBelow, lastSegment, parentPath, pathKey, selfAndAncestors } from '../metabase/paths.js';
import { entryVersion, parseEntries } from '../metabase/scriptmaps.js';
import { UNTYPED_KEY } from '../metabase/xml/format.js';
import { type FrameworkVersion, compareVersions, highest, isFrameworkVersion } from '../regiis/frameworks.js';
import { moveServicesFrom } from '../regiis/registration.js';
import { type Draft, normalizeDir, registeredVersions } from './machine.js';

/**
 * What importing a MetaBase.xml does to a machine besides its keys (metabase-cli.md `import`): where a
 * fragment goes, which frameworks the file names, which content folders it implies. Pure.
 */

export class ImportError extends Error {
  override readonly name = 'ImportError';
}

/** The path of IIS_Global, which is not a key of the metabase tree but a header of the file. */
export const GLOBAL_PATH = '.';

/** A whole MetaBase.xml holds `/LM`; anything else is a fragment of one. */
export const isWholeMetabase = (keys: readonly MetabaseKey[]): boolean => keys.some((key) => pathKey(key.path) === '/lm');

/**
 * Gives every key its missing ancestors, as keys with no KeyType and no properties, each just before the
 * first key below it *(decided: IIS holds such keys implicitly; the store needs a parent for every key)*.
 * `exists` tells which paths outside `keys` are already there.
 */
export function withAncestors(keys: readonly MetabaseKey[], exists: (path: string) => boolean = () => false): MetabaseKey[] {
  const present = new Set(keys.map((key) => pathKey(key.path)));
  const out: MetabaseKey[] = [];
  for (const key of keys) {
    const missing: string[] = [];
    for (const path of selfAndAncestors(key.path).slice(1)) {
      if (path === '/' || present.has(pathKey(path)) || exists(path)) break;
      missing.push(path);
    }
    for (const path of missing.reverse()) {
      present.add(pathKey(path));
      out.push({ path, keyType: UNTYPED_KEY, properties: new Map() });
    }
    out.push(key);
  }
  return out;
}

/**
 * A fragment's keys moved from its top key's path to `to` *(decided)*: the top key becomes `to`, the keys
 * below it follow, and AppRoot values that named a path inside the fragment are moved with it so that its
 * applications stay applications. IIS_Global, the file's header, is not part of a fragment.
 */
export function relocateFragment(keys: readonly MetabaseKey[], to: string): MetabaseKey[] {
  const body = keys.filter((key) => key.path !== GLOBAL_PATH);
  const top = body[0];
  if (!top) throw new ImportError('the file holds no keys');
  const from = top.path;
  const stray = body.find((key) => !isAtOrBelow(key.path, from));
  if (stray) throw new ImportError(`a fragment holds one key and the keys below it, but ${stray.path} is not below ${from}`);
  const move = (path: string): string => to + path.slice(from.length);
  return body.map((key) => {
    if (pathKey(from) === pathKey(to)) return key;
    const properties = new Map<string, Property>();
    for (const [id, prop] of key.properties) properties.set(id, id === 'approot' ? movedAppRoot(prop, from, move) : prop);
    return { ...key, path: move(key.path), properties };
  });
}

function movedAppRoot(prop: Property, from: string, move: (path: string) => string): Property {
  if (typeof prop.value !== 'string') return prop;
  const trimmed = prop.value.replace(/\/+$/, '');
  if (!trimmed.startsWith('/') || !isAtOrBelow(trimmed, from)) return prop;
  return { ...prop, value: move(trimmed) + prop.value.slice(trimmed.length) };
}

const ASPNET_FOLDER = /[\\/]v(\d+\.\d+\.\d+)[\\/]aspnet_isapi\.dll$/i;
const ASPNET_DEPENDENCY = /^ASP\.NET v(\d+\.\d+\.\d+)(;|$)/i;

/** The versions ScriptMaps, WebSvcExtRestrictionList and ApplicationDependencies name anywhere in `keys`. */
export function frameworksNamed(keys: Iterable<MetabaseKey>): FrameworkVersion[] {
  const named = new Set<string>();
  for (const key of keys) {
    for (const entry of parseEntries(asList(key.properties.get('scriptmaps')?.value))) {
      const version = entryVersion(entry);
      if (version !== undefined) named.add(version);
    }
    for (const entry of asList(key.properties.get('websvcextrestrictionlist')?.value)) {
      const version = ASPNET_FOLDER.exec(entry.split(',')[1] ?? '')?.[1];
      if (version !== undefined) named.add(normalise(version));
    }
    for (const entry of asList(key.properties.get('applicationdependencies')?.value)) {
      const version = ASPNET_DEPENDENCY.exec(entry)?.[1];
      if (version !== undefined) named.add(normalise(version));
    }
  }
  return [...named].filter(isFrameworkVersion).sort(compareVersions);
}

const normalise = (version: string): string => version.split('.').map(Number).join('.');

/**
 * Makes the named frameworks installed and registered. With `exclusive` (a whole metabase replaced the old
 * one) a registered framework the file does not name is no longer registered with IIS, its files staying
 * *(decided)*. The shared services follow as registering and unregistering move them (machine.md §4).
 */
export function registerImported(d: Draft, named: readonly FrameworkVersion[], exclusive: boolean): void {
  if (exclusive) {
    for (const version of registeredVersions(d.state)) {
      if (named.includes(version)) continue;
      d.setFramework({ ...d.state.frameworks.get(version)!, registered: false });
      moveServicesFrom(d, version);
    }
  }
  for (const version of named) {
    const before = d.state.frameworks.get(version);
    if (before?.installed && before.registered) continue;
    d.setFramework({ version, installed: true, registered: true, isapiPresent: before?.isapiPresent ?? true });
    const top = highest(registeredVersions(d.state))!;
    d.setServices({ stateService: top, perfCounters: top, aspnetAccount: true });
  }
}

const CONTENT_KEYS = new Set(['iiswebvirtualdir', 'iisftpvirtualdir']);

/** The folders the imported virtual directories point at, which exist on the server the file came from. */
export function contentFolders(keys: Iterable<MetabaseKey>): string[] {
  const folders: string[] = [];
  for (const key of keys) {
    if (!CONTENT_KEYS.has(key.keyType.toLowerCase())) continue;
    const path = key.properties.get('path')?.value;
    if (typeof path === 'string' && /^[A-Za-z]:\\/.test(path)) folders.push(normalizeDir(path));
  }
  return folders;
}

/** A metabase from imported keys, each with its parents. */
export const metabaseOf = (keys: readonly MetabaseKey[]): Metabase => new Metabase(withAncestors(keys));

/** Where `--at` puts a fragment: the typed path with the stored case of its existing parent. */
export function placeAt(metabase: Metabase, to: string): string {
  const parent = parentPath(to);
  if (parent === undefined || to === GLOBAL_PATH) throw new ImportError(`--at ${to}: not a place for a key`);
  if (parent !== '/' && !metabase.has(parent)) throw new ImportError(`--at ${to}: its parent ${parent} does not exist`);
  return parent === '/' ? to : `${metabase.canonical(parent)}/${lastSegment(to)}`;
}

const WINDIR_OF_PROCESSOR = [
  /^([A-Za-z]:\\[^\\,]+)\\system32\\inetsrv\\[^\\,]+\.dll$/i,
  /^([A-Za-z]:\\[^\\,]+)\\Microsoft\.NET\\Framework(?:64)?\\v[^\\,]+\\aspnet_isapi\.dll$/i,
];

/**
 * The Windows folder of the server a whole MetaBase.xml came from, read off the processors of its script maps
 * (`D:\\WINDOWS\\system32\\inetsrv\\asp.dll`), so that what the tool writes afterwards matches what is
 * there. Undefined when no script map names one.
 */
export function windirNamed(keys: Iterable<MetabaseKey>): string | undefined {
  for (const key of keys) {
    for (const entry of parseEntries(asList(key.properties.get('scriptmaps')?.value))) {
      const processor = entry.processor;
      for (const pattern of WINDIR_OF_PROCESSOR) {
        const found = pattern.exec(processor)?.[1];
        if (found !== undefined) return found;
      }
    }
  }
  return undefined;
}
