import { type MetabaseKey, type Property, ROOT_PATH, property } from '../metabase/metabase.js';
import { moveList, removeAspNet } from '../metabase/scriptmaps.js';
import { Draft, type MachineState, processorPath } from '../machine/machine.js';
import { buildProfile, iisDefaultScriptMaps } from '../machine/profiles.js';
import type { FrameworkVersion } from '../regiis/frameworks.js';
import { setExtensionAllowed } from '../regiis/registration.js';
import { POOLS_PATH } from './admin.js';

/**
 * A realistic IIS 6 hosting server, built from a seed (`metabase generate`): what a shared-hosting box
 * running 1.1, 2.0 and 4.0 side by side looks like after years of customers, so that the emulator can be
 * rehearsed, and measured, at the scale real metabases have (tens of thousands of keys).
 */
export interface GenerateOptions {
  /** Customer sites to add beside the Default Web Site. */
  readonly sites: number;
  readonly seed: number;
}

/** What a generated machine holds, for the command's summary. */
export interface GeneratedSummary {
  readonly sites: number;
  readonly keys: number;
  readonly scriptMaps: number;
  readonly pools: number;
  readonly seed: number;
}

/** The most sites one run builds: about a million keys, well past any real IIS 6 server. */
export const MAX_GENERATED_SITES = 100_000;

/**
 * A small seeded PRNG (mulberry32): the same seed gives the same server on every machine and Node version,
 * which `Math.random` cannot promise. Returns numbers in [0, 1).
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Dice {
  constructor(private readonly next: () => number) {}
  /** A whole number in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  /** Up to `count` distinct items, in the order drawn. */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const drawn: T[] = [];
    while (drawn.length < count && pool.length > 0) drawn.push(pool.splice(this.int(pool.length), 1)[0]!);
    return drawn;
  }
  /** One of `choices`, each as likely as its weight. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    const total = choices.reduce((sum, [, w]) => sum + w, 0);
    let roll = this.next() * total;
    for (const [value, weight] of choices) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return choices[choices.length - 1]![0];
  }
}

const ADJECTIVES = ['blue', 'green', 'north', 'silver', 'red', 'swift', 'bright', 'old', 'happy', 'urban', 'alpine', 'golden', 'quiet', 'royal', 'sunny', 'wild'];
const NOUNS = ['bakery', 'garage', 'studio', 'dental', 'travel', 'books', 'florist', 'legal', 'fitness', 'pets', 'motors', 'realty', 'cafe', 'design', 'print', 'farm'];
const TLDS = ['com', 'net', 'org', 'co.uk', 'de', 'biz'];
/** Virtual directories customers add, and the plain directories IIS keeps settings for. */
const VDIRS = ['blog', 'shop', 'forum', 'webmail', 'admin', 'api', 'gallery', 'stats', 'crm', 'intranet'];
const DIRS = ['images', 'css', 'scripts', 'bin', 'App_Data', 'uploads', 'includes', 'downloads', 'media', 'cgi-bin', 'private', 'temp'];

/** Custom handlers some customers map next to ASP.NET (kept where they are by every ASP.NET move). */
const CUSTOM_MAPS = ['.php,C:\\PHP\\php5isapi.dll,5,GET,HEAD,POST', '.pl,C:\\Perl\\bin\\perlis.dll,5,GET,HEAD,POST', '.cfm,C:\\CFusionMX7\\runtime\\lib\\wsconfig\\1\\jrun.dll,1'];

/** A property the program's schema does not know, with the schema facts a MetaBase.xml `Custom` element carries. */
const custom = (name: string, id: number, dataType: string, userType: string, value: Property['value'], attributes = 'NO_ATTRIBUTES'): Property => ({
  name,
  value,
  id,
  dataType,
  userType,
  attributes,
});

const keyOf = (path: string, keyType: string, properties: readonly Property[]): MetabaseKey => ({
  path,
  keyType,
  properties: new Map(properties.map((p) => [p.name.toLowerCase(), p])),
});

/**
 * IIS 6 numbers sites created in its manager by a hash of their name rather than 1, 2, 3: a hosting
 * server's site ids are large and scattered. Collisions move to the next free number.
 */
function siteId(name: string, taken: Set<number>): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  let id = 100_000_000 + (h % 1_900_000_000);
  while (taken.has(id)) id++;
  taken.add(id);
  return id;
}

/**
 * Builds the machine: `win2003-net40` (1.1, 2.0 and 4.0 installed and registered, 2.0 at the root) with
 * 4.0's Web Service Extension allowed, then `sites` customer sites, each an `IIsWebServer` with host-header
 * bindings and a `ROOT` application, some virtual directories (most of them applications), plain
 * directories with settings of their own, about a fifth of the keys holding explicit ScriptMaps on 1.1,
 * 2.0 or 4.0, app pools per version, and properties the schema does not know. Deterministic for a seed.
 */
export function generateHostingServer(options: GenerateOptions): { state: MachineState; summary: GeneratedSummary } {
  const dice = new Dice(seededRandom(options.seed));
  const base = buildProfile('win2003-net40');
  const d = new Draft(base);
  setExtensionAllowed(d, '4.0.30319', true);
  const state: MachineState = { ...base, profile: 'generated' };
  const metabase = state.metabase;
  const mkdir = (dir: string): void => {
    const parts = dir.split('\\');
    for (let i = 2; i <= parts.length; i++) {
      const path = parts.slice(0, i).join('\\');
      state.directories.set(path.toLowerCase(), path);
    }
  };

  // Lists are shared between keys that hold the same one: values are immutable, and 20 000 copies of a
  // 50-entry list would cost memory for nothing.
  const lists = new Map<string, readonly string[]>();
  const defaults = iisDefaultScriptMaps(state.windir);
  const scriptMaps = (version: FrameworkVersion | 'none', extra: string | undefined): Property => {
    const id = `${version}\0${extra ?? ''}`;
    let list = lists.get(id);
    if (!list) {
      const start = extra === undefined ? defaults : [...defaults, extra];
      list = version === 'none' ? removeAspNet(start) : moveList(start, version, processorPath(state, version));
      lists.set(id, list);
    }
    return property('ScriptMaps', list);
  };
  const extraMap = (): string | undefined => (dice.chance(0.15) ? dice.pick(CUSTOM_MAPS) : undefined);

  const versions: readonly (readonly [FrameworkVersion, number])[] = [
    ['1.1.4322', 20],
    ['2.0.50727', 55],
    ['4.0.30319', 25],
  ];
  const perVersion = Math.min(10, Math.max(2, Math.ceil(options.sites / 1000)));
  const pools = new Map<FrameworkVersion, string[]>();
  for (const [version] of versions) {
    const label = version.slice(0, 3).replace('.', '');
    const names = Array.from({ length: perVersion }, (_, i) => `AppPool-NET${label}-${String(i + 1).padStart(2, '0')}`);
    pools.set(version, names);
    for (const name of names) {
      metabase.put(
        keyOf(`${POOLS_PATH}/${name}`, 'IIsApplicationPool', [
          custom('PeriodicRestartTime', 9001, 'DWORD', 'IIS_MD_UT_SERVER', dice.pick(['1740', '0', '720'])),
          custom('IdleTimeout', 9005, 'DWORD', 'IIS_MD_UT_SERVER', '20'),
          custom('AppPoolIdentityType', 9021, 'DWORD', 'IIS_MD_UT_SERVER', '2'),
        ]),
      );
    }
  }
  // Now and then an application lands in a pool of another version: the 1062 a real server waits for.
  const poolFor = (version: FrameworkVersion): string => {
    const own = dice.chance(0.97) ? version : dice.weighted(versions);
    return dice.pick(pools.get(own)!);
  };

  const ids = new Set<number>([1]);
  for (let n = 1; n <= options.sites; n++) {
    const domain = `${dice.pick(ADJECTIVES)}${dice.pick(NOUNS)}${n}.${dice.pick(TLDS)}`;
    const site = `${ROOT_PATH}/${siteId(domain, ids)}`;
    const home = `D:\\Hosting\\${domain}`;
    const version = dice.weighted(versions);
    const bindings = [`:80:www.${domain}`, `:80:${domain}`];
    if (dice.chance(0.2)) bindings.push(`:80:${dice.pick(['shop', 'mail', 'm', 'dev'])}.${domain}`);
    // An address of its own (for SSL or an old client): one per site number, so two sites never share it.
    if (dice.chance(0.05)) bindings.push(`10.${Math.floor(n / 62500) % 256}.${Math.floor(n / 250) % 250}.${(n % 250) + 1}:8080:`);
    metabase.put(
      keyOf(site, 'IIsWebServer', [
        property('ServerComment', domain),
        property('ServerBindings', bindings),
        custom('ServerAutoStart', 1017, 'DWORD', 'IIS_MD_UT_SERVER', 'TRUE'),
        custom('LogFileDirectory', 4001, 'EXPANDSZ', 'IIS_MD_UT_SERVER', `D:\\LogFiles\\${domain}`, 'INHERIT'),
        custom('HostingCustomerId', 60001, 'DWORD', 'IIS_MD_UT_SERVER', String(10000 + n)),
      ]),
    );

    const root = `${site}/ROOT`;
    const rootPool = poolFor(version);
    // A site on the root's version often just inherits; any other version needs a list of its own.
    const rootList = version !== '2.0.50727' || dice.chance(0.3);
    metabase.put(
      keyOf(root, 'IIsWebVirtualDir', [
        property('Path', `${home}\\wwwroot`),
        property('AccessFlags', 'AccessRead | AccessScript'),
        property('AppRoot', root),
        property('AppFriendlyName', 'Default Application'),
        property('AppIsolated', '2'),
        property('AppPoolId', rootPool),
        ...(dice.chance(0.4) ? [property('DefaultDoc', 'Default.aspx,index.php,Default.htm')] : []),
        ...(rootList ? [scriptMaps(version, extraMap())] : []),
      ]),
    );
    mkdir(`${home}\\wwwroot`);

    const parents: { path: string; dir: string; version: FrameworkVersion }[] = [{ path: root, dir: `${home}\\wwwroot`, version }];
    for (const name of dice.sample(VDIRS, dice.weighted([[0, 1], [1, 2], [2, 3], [3, 3], [4, 1]] as const))) {
      const path = `${root}/${name}`;
      const dir = name === 'webmail' ? 'D:\\Shared\\webmail' : `${home}\\${name}`;
      const app = dice.chance(0.6);
      // Applications are sometimes pinned to another version than their site (aspnet_regiis -s).
      const appVersion = app && dice.chance(0.2) ? dice.weighted(versions) : version;
      const list = app ? dice.chance(0.5) || appVersion !== version : dice.chance(0.05);
      metabase.put(
        keyOf(path, 'IIsWebVirtualDir', [
          property('Path', dir),
          property('AccessFlags', 'AccessRead | AccessScript'),
          ...(app
            ? [property('AppRoot', path), property('AppFriendlyName', name), property('AppIsolated', '2'), ...(dice.chance(appVersion === version ? 0.3 : 0.9) ? [property('AppPoolId', poolFor(appVersion))] : [])]
            : []),
          ...(list ? [scriptMaps(appVersion, extraMap())] : []),
        ]),
      );
      mkdir(dir);
      parents.push({ path, dir, version: appVersion });
    }

    for (const name of dice.sample(DIRS, dice.weighted([[4, 2], [5, 3], [6, 3], [7, 2], [8, 1]] as const))) {
      const parent = dice.chance(0.7) ? parents[0]! : dice.pick(parents);
      const path = `${parent.path}/${name}`;
      // Upload and data folders get ASP.NET taken away (aspnet_regiis -k); others keep a copy of their app's list.
      const hardened = name === 'uploads' || name === 'App_Data' || name === 'temp';
      const list = hardened ? dice.chance(0.4) : dice.chance(0.05);
      metabase.put(
        keyOf(path, 'IIsWebDirectory', [
          property('AccessFlags', hardened ? 'AccessRead | AccessWrite' : 'AccessRead'),
          ...(name === 'private' ? [custom('DirBrowseFlags', 6005, 'DWORD', 'IIS_MD_UT_FILE', '0', 'INHERIT')] : []),
          ...(list ? [scriptMaps(hardened ? 'none' : parent.version, undefined)] : []),
        ]),
      );
      mkdir(`${parent.dir}\\${name}`);
    }
  }

  let explicitLists = 0;
  for (const key of metabase.all()) if (key.properties.has('scriptmaps')) explicitLists++;
  return {
    state,
    summary: { sites: options.sites, keys: metabase.size, scriptMaps: explicitLists, pools: metabase.childrenOf(POOLS_PATH).length, seed: options.seed },
  };
}
