import { ROOT_PATH, asText, property } from '../metabase/metabase.js';
import { type Draft, frameworkFolder, hasIis6, processorPath, registeredVersions, siteRoots } from '../machine/machine.js';
import { type FrameworkVersion, compatible, facts, fourPart, highest } from './frameworks.js';

/**
 * What registering and unregistering a version touches besides script maps (machine.md §4): Web Service
 * Extensions, ApplicationDependencies, the ISAPI filter, DefaultDoc, the shared services, client scripts.
 */

const FILTERS_PATH = `${ROOT_PATH}/Filters`;

/** `-enable` / `-disable` as given; undefined keeps an existing flag (a new entry starts prohibited). */
export type ExtensionSwitch = 'enable' | 'disable' | undefined;

export const extensionName = (version: FrameworkVersion): string => `ASP.NET v${version}`;

const filterPath = (version: FrameworkVersion): string => `${FILTERS_PATH}/ASP.NET_${fourPart(version)}`;

/** The `WebSvcExtRestrictionList` entry of a version, if there is one, and where it is. */
export function findExtensionEntry(d: Draft, version: FrameworkVersion): { index: number; allowed: boolean } | undefined {
  const processor = processorPath(d.state, version).toLowerCase();
  const list = d.list(ROOT_PATH, 'WebSvcExtRestrictionList');
  const index = list.findIndex((entry) => (entry.split(',')[1] ?? '').toLowerCase() === processor);
  return index < 0 ? undefined : { index, allowed: list[index]!.startsWith('1') };
}

export function setExtensionAllowed(d: Draft, version: FrameworkVersion, allowed: boolean): void {
  const name = extensionName(version);
  const entry = `${allowed ? 1 : 0},${processorPath(d.state, version)},0,${name},${name}`;
  const list = [...d.list(ROOT_PATH, 'WebSvcExtRestrictionList')];
  const found = findExtensionEntry(d, version);
  if (found) list[found.index] = entry;
  else list.push(entry);
  d.setProperty(ROOT_PATH, property('WebSvcExtRestrictionList', list));
}

/** Registers a version with IIS; returns the site homes that were missing when client scripts were asked for. */
export function register(
  d: Draft,
  version: FrameworkVersion,
  options: { readonly clientScripts: boolean; readonly extension: ExtensionSwitch },
): string[] {
  const before = d.state.frameworks.get(version);
  d.setFramework({ version, installed: before?.installed ?? true, isapiPresent: before?.isapiPresent ?? true, registered: true });

  if (hasIis6(d.state) && d.metabase.has(ROOT_PATH)) {
    const existing = findExtensionEntry(d, version);
    const allowed = options.extension === undefined ? (existing?.allowed ?? false) : options.extension === 'enable';
    setExtensionAllowed(d, version, allowed);
    const dependency = `${extensionName(version)};${extensionName(version)}`;
    const dependencies = d.list(ROOT_PATH, 'ApplicationDependencies');
    if (!dependencies.some((entry) => entry.toLowerCase() === dependency.toLowerCase())) {
      d.setProperty(ROOT_PATH, property('ApplicationDependencies', [...dependencies, dependency]));
    }
  }

  if (d.metabase.has(ROOT_PATH)) {
    if (!d.metabase.has(FILTERS_PATH)) d.createKey(FILTERS_PATH, 'IIsFilters');
    const filter = filterPath(version);
    d.createKey(filter, 'IIsFilter');
    d.setProperty(filter, property('FilterPath', `${frameworkFolder(d.state, version)}\\aspnet_filter.dll`));
    d.setProperty(filter, property('FilterDescription', `ASP.NET ${fourPart(version)} Cookieless Session Filter`));
    addDefaultDocument(d);
  }

  const top = highest(registeredVersions(d.state))!;
  d.setServices({ stateService: top, perfCounters: top, aspnetAccount: true });

  return options.clientScripts ? installClientScripts(d, version) : [];
}

function addDefaultDocument(d: Draft): void {
  const docs = asText(d.metabase.explicit(ROOT_PATH, 'DefaultDoc')?.value);
  const names = docs ? docs.split(',') : [];
  if (names.some((name) => name.trim().toLowerCase() === 'default.aspx')) return;
  d.setProperty(ROOT_PATH, property('DefaultDoc', [...names, 'Default.aspx'].join(',')));
}

/** Undoes a version's registration; the shared services move on as machine.md §4 says. */
export function unregister(d: Draft, version: FrameworkVersion): void {
  const before = d.state.frameworks.get(version);
  if (before) d.setFramework({ ...before, registered: false });

  if (d.metabase.has(ROOT_PATH)) {
    const processor = processorPath(d.state, version).toLowerCase();
    const extensions = d.list(ROOT_PATH, 'WebSvcExtRestrictionList');
    const keptExtensions = extensions.filter((entry) => (entry.split(',')[1] ?? '').toLowerCase() !== processor);
    if (keptExtensions.length !== extensions.length) d.setProperty(ROOT_PATH, property('WebSvcExtRestrictionList', keptExtensions));
    const dependency = `${extensionName(version)};`.toLowerCase();
    const dependencies = d.list(ROOT_PATH, 'ApplicationDependencies');
    const keptDependencies = dependencies.filter((entry) => !entry.toLowerCase().startsWith(dependency));
    if (keptDependencies.length !== dependencies.length) d.setProperty(ROOT_PATH, property('ApplicationDependencies', keptDependencies));
  }
  d.deleteKey(filterPath(version));
  removeClientScripts(d, [version]);

  moveServicesFrom(d, version);
}

/**
 * After `version` stopped being registered: the performance counters move to the highest remaining version,
 * the state service to the highest remaining one compatible with it (or goes), the ASPNET account goes with
 * the last version (machine.md §4).
 */
export function moveServicesFrom(d: Draft, version: FrameworkVersion): void {
  const remaining = registeredVersions(d.state);
  const { stateService, perfCounters } = d.state.services;
  d.setServices({
    stateService: stateService === version ? highest(remaining.filter((v) => compatible(v, version))) : stateService,
    perfCounters: perfCounters === version ? highest(remaining) : perfCounters,
    aspnetAccount: remaining.length > 0,
  });
}

/** `-c`: the client script folder under every site's home; returns the homes that do not exist. */
export function installClientScripts(d: Draft, version: FrameworkVersion): string[] {
  const missing: string[] = [];
  for (const root of siteRoots(d.metabase)) {
    const home = asText(root.properties.get('path')?.value);
    if (home === undefined) continue;
    if (!d.dirExists(home)) {
      missing.push(home);
      continue;
    }
    d.mkdir(`${home}\\aspnet_client\\system_web\\${facts(version).clientScriptFolder}`);
  }
  return missing;
}

/** `-e` / `-ea`: removes the client script folders of the given versions, wherever they are. */
export function removeClientScripts(d: Draft, versions: readonly FrameworkVersion[]): void {
  const folders = new Set(versions.map((v) => facts(v).clientScriptFolder.toLowerCase()));
  const found: string[] = [];
  for (const [lc, dir] of d.state.directories) {
    const parts = lc.split('\\');
    const folder = parts[parts.length - 1]!;
    if (folders.has(folder) && parts[parts.length - 2] === 'system_web' && parts[parts.length - 3] === 'aspnet_client') found.push(dir);
  }
  d.rmdirs(found);
}
