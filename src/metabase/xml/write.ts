import { type Metabase, type MetabaseKey, type Property, inherits } from '../metabase.js';
import { parentPath, selfAndAncestors } from '../paths.js';
import { schemaOf } from '../schema.js';
import { METABASE_NAMESPACE, MULTISZ_INDENT, UNTYPED_KEY, escapeAttribute, escapeEntry, isXmlName } from './format.js';

/**
 * The MetaBase.xml writer, laid out byte for byte as IIS 6 writes the file: `<?xml version ="1.0"?>`,
 * `<configuration>`, `<MBProperty>`, one element a key named by its KeyType, the name, a TAB and
 * `Location ="<path>"`, each attribute property on its own line after two TABs, the start tag closed by a
 * line of one TAB and `>`, then the `Custom` properties, then the end tag. MULTISZ entries are separated by
 * a line break and three TABs. The text comes in chunks so that a large metabase never becomes one string.
 */

export class XmlWriteError extends Error {
  override readonly name = 'XmlWriteError';
}

export interface XmlWriteOptions {
  /** Only the key at this path and the keys below it (a fragment, as `iiscnfg /export` writes one). */
  readonly path?: string | undefined;
  /**
   * Also write at the exported top key the inheritable properties it takes from the keys above it, so that
   * the fragment means the same wherever it is imported *(decided: what iiscnfg's /inherited is for)*.
   */
  readonly inherited?: boolean | undefined;
  /** The `xmlns` of `<configuration>`; IIS 6's by default. */
  readonly namespace?: string | undefined;
  /** IIS writes CRLF. */
  readonly eol?: '\r\n' | '\n' | undefined;
  /** Called after each key with the number of keys written so far. */
  readonly onKey?: ((written: number) => void) | undefined;
}

/** Chunks are at least this long (except the last), so that a sink sees few, large writes. */
const CHUNK_CHARS = 64 * 1024;

/** MetaBase.xml text for the whole metabase or the fragment at `options.path`, in chunks. */
export function* metabaseXml(metabase: Metabase, options: XmlWriteOptions = {}): Generator<string> {
  const eol = options.eol ?? '\r\n';
  const top = options.path === undefined ? undefined : metabase.get(options.path);
  if (options.path !== undefined && !top) throw new XmlWriteError(`no key ${options.path} in the metabase`);
  const inherited = top && options.inherited ? inheritedAt(metabase, top) : [];

  let buffer = `<?xml version ="1.0"?>${eol}<configuration xmlns="${escapeAttribute(options.namespace ?? METABASE_NAMESPACE)}">${eol}<MBProperty>${eol}`;
  let written = 0;
  for (const key of top ? metabase.walk(top.path) : metabase.all()) {
    buffer += keyXml(key, key === top ? inherited : [], eol);
    options.onKey?.(++written);
    if (buffer.length >= CHUNK_CHARS) {
      yield buffer;
      buffer = '';
    }
  }
  yield buffer + `</MBProperty>${eol}</configuration>${eol}`;
}

/** The whole document as one string: for small metabases and tests. */
export function metabaseXmlText(metabase: Metabase, options: XmlWriteOptions = {}): string {
  return [...metabaseXml(metabase, options)].join('');
}

/** The inheritable properties a key takes from above: for each name, the nearest ancestor's (machine.md §1). */
export function inheritedAt(metabase: Metabase, key: MetabaseKey): Property[] {
  const taken = new Map<string, Property>();
  const parent = parentPath(key.path);
  if (parent === undefined) return [];
  for (const path of selfAndAncestors(parent)) {
    for (const [id, prop] of metabase.get(path)?.properties ?? []) {
      if (!key.properties.has(id) && !taken.has(id) && inherits(prop)) taken.set(id, prop);
    }
  }
  return [...taken.values()];
}

/** Whether export writes a property as an attribute of its key's element or as a `Custom` child. */
function asAttribute(prop: Property): boolean {
  if (!isXmlName(prop.name) || prop.name === 'Location') return false;
  if (prop.xml) return prop.xml.kind === 'attribute';
  return schemaOf(prop.name) !== undefined;
}

function keyXml(key: MetabaseKey, extra: readonly Property[], eol: string): string {
  const element = key.keyType === '' ? UNTYPED_KEY : key.keyType;
  if (!isXmlName(element)) throw new XmlWriteError(`the key ${key.path} has the KeyType "${key.keyType}", which MetaBase.xml cannot name an element`);
  let text = '';
  for (const comment of key.comments ?? []) text += `<!--${comment}-->${eol}`;
  text += `<${element}\tLocation ="${escapeAttribute(key.path)}"${eol}`;
  const props = extra.length > 0 ? [...key.properties.values(), ...extra] : [...key.properties.values()];
  const customs: Property[] = [];
  for (const prop of props) {
    if (asAttribute(prop)) text += `\t\t${prop.name}="${valueXml(prop.value, eol)}"${eol}`;
    else customs.push(prop);
  }
  text += `\t>${eol}`;
  for (const prop of customs) text += customXml(prop, eol);
  return text + `</${element}>${eol}`;
}

function customXml(prop: Property, eol: string): string {
  const omitted = new Set(prop.xml?.kind === 'custom' ? prop.xml.omitted : []);
  const list = typeof prop.value !== 'string';
  const field = (name: string, value: string | undefined): string =>
    omitted.has(name as never) || value === undefined ? '' : `\t\t${name}="${value}"${eol}`;
  return (
    `\t<Custom${eol}` +
    `\t\tName="${escapeAttribute(prop.name)}"${eol}` +
    field('ID', prop.id === undefined ? undefined : String(prop.id)) +
    field('Value', valueXml(prop.value, eol)) +
    field('Type', escapeAttribute(prop.dataType ?? (list ? 'MULTISZ' : 'STRING'))) +
    field('UserType', prop.userType === undefined ? undefined : escapeAttribute(prop.userType)) +
    field('Attributes', prop.attributes === undefined ? undefined : escapeAttribute(prop.attributes)) +
    `\t/>${eol}`
  );
}

function valueXml(value: Property['value'], eol: string): string {
  if (typeof value === 'string') return escapeAttribute(value);
  return value.map((entry, i) => escapeEntry(entry, i === 0)).join(eol + MULTISZ_INDENT);
}
