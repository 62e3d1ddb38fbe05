import { type Metabase, type MetabaseKey, asList } from './metabase.js';
import { lastSegment, parentPath, pathKey } from './paths.js';
import { isMixed, listVersion } from './scriptmaps.js';

/**
 * The model of `metabase tree [PATH] [--depth N]`: for each key its type, whether it is an application, its
 * pool and its ASP.NET version, each marked explicit (held by the key) or inherited; keys beyond the depth
 * limit are summarised under the deepest key shown.
 */
export interface TreeNode {
  readonly path: string;
  /** Depth below the top of the view (the top keys are 0). */
  readonly depth: number;
  readonly keyType: string;
  readonly application: boolean;
  /** The effective AppPoolId, shown for applications and for keys that set one. */
  readonly pool: { readonly name: string; readonly explicit: boolean } | undefined;
  /** The version of the effective ScriptMaps (undefined: no ASP.NET entry), shown for web content keys. */
  readonly aspnet: { readonly version: string | undefined; readonly explicit: boolean; readonly mixed: boolean } | undefined;
  /** How many keys below this one the depth limit left out. */
  readonly hiddenBelow: number;
}

export interface TreeOptions {
  /** The key to start at; the whole metabase when undefined. */
  readonly path?: string | undefined;
  /** Show keys down to this depth below the top; unlimited when undefined. */
  readonly depth?: number | undefined;
}

/** Key types whose ScriptMaps matter: web content (other keys below W3SVC only inherit the service's list). */
const WEB_CONTENT = new Set(['iiswebservice', 'iiswebserver', 'iiswebvirtualdir', 'iiswebdirectory', 'iiswebfile']);

/** The tree as data, in tree order. Throws when `path` names no key. */
export function treeModel(metabase: Metabase, options: TreeOptions = {}): TreeNode[] {
  const top = options.path === undefined ? undefined : metabase.get(options.path);
  if (options.path !== undefined && !top) throw new Error(`no key ${options.path} in the metabase`);
  const limit = options.depth ?? Number.POSITIVE_INFINITY;
  const nodes: { -readonly [K in keyof TreeNode]: TreeNode[K] }[] = [];
  const depths = new Map<string, number>();
  let summarising: { hiddenBelow: number } | undefined;
  for (const key of top ? metabase.walk(top.path) : metabase.all()) {
    const parent = parentPath(key.path);
    const depth = key === top || parent === undefined ? 0 : (depths.get(pathKey(parent)) ?? -1) + 1;
    depths.set(pathKey(key.path), depth);
    if (depth > limit) {
      summarising!.hiddenBelow++;
      continue;
    }
    const node = describe(metabase, key, depth);
    nodes.push(node);
    if (depth === limit) summarising = node;
  }
  return nodes;
}

function describe(metabase: Metabase, key: MetabaseKey, depth: number): { -readonly [K in keyof TreeNode]: TreeNode[K] } {
  const application = metabase.isApplication(key);
  const pool = metabase.effective(key.path, 'AppPoolId');
  const poolExplicit = key.properties.has('apppoolid');
  const maps = metabase.effective(key.path, 'ScriptMaps');
  const mapsExplicit = key.properties.has('scriptmaps');
  const web = WEB_CONTENT.has(key.keyType.toLowerCase()) || application || mapsExplicit;
  const list = asList(maps?.property.value);
  return {
    path: key.path,
    depth,
    keyType: key.keyType,
    application,
    pool: pool && (application || poolExplicit) ? { name: String(pool.property.value), explicit: poolExplicit } : undefined,
    aspnet: maps && web ? { version: listVersion(list), explicit: mapsExplicit, mixed: isMixed(list) } : undefined,
    hiddenBelow: 0,
  };
}

const how = (explicit: boolean): string => (explicit ? 'explicit' : 'inherited');

/** The tree as text: one line a key, indented by depth; a summary line under keys whose children are cut. */
export function treeLines(nodes: readonly TreeNode[]): string[] {
  const lines: string[] = [];
  for (const node of nodes) {
    const indent = '  '.repeat(node.depth);
    const parts = [node.depth === 0 ? node.path : lastSegment(node.path), node.keyType === '' ? '(no KeyType)' : node.keyType];
    if (node.application) parts.push('[application]');
    if (node.pool) parts.push(`pool ${node.pool.name} (${how(node.pool.explicit)})`);
    if (node.aspnet) {
      const version = node.aspnet.version === undefined ? 'none' : node.aspnet.version + (node.aspnet.mixed ? ' mixed' : '');
      parts.push(`ASP.NET ${version} (${how(node.aspnet.explicit)})`);
    }
    lines.push(indent + parts.join('  '));
    if (node.hiddenBelow > 0) {
      lines.push(`${indent}  … ${node.hiddenBelow.toLocaleString('en-US')} ${node.hiddenBelow === 1 ? 'key' : 'keys'} below`);
    }
  }
  return lines;
}
