import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { CustomField, MetabaseKey, Property, XmlForm } from '../metabase.js';
import { pathKey } from '../paths.js';
import { schemaById, schemaOf } from '../schema.js';
import { ChunkDecoder, InvalidEncodingError } from './decode.js';
import { hasLineBreak, rawEntries, unshiftIllegal } from './format.js';
import { type RawValues, RawValueScanner } from './raw-values.js';

/**
 * The MetaBase.xml reader: an IIS 6 metabase file (`<configuration>`, `<MBProperty>`, one element a key) or a
 * key fragment as `iiscnfg /export` writes it, read as a stream. It keeps everything the file says: each
 * key's element name (its KeyType, `IIS_Global` too), its properties in order with their values as written
 * (symbolic flags, TRUE/FALSE, encrypted values), `Custom` elements with their fields, MULTISZ lists entry by
 * entry, the namespace and the comments IIS keeps before a key. It refuses DTDs, and so any entity beyond
 * XML's five; every error names a line and a column.
 */

export class MetabaseXmlError extends Error {
  override readonly name = 'MetabaseXmlError';
  constructor(
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`line ${line}, column ${column}: ${reason}`);
  }
}

export interface MetabaseXml {
  /** The `xmlns` of `<configuration>`; undefined when the file has no `<configuration>` or it names none. */
  readonly namespace: string | undefined;
  /** The keys in file order (empty when `onKey` took them). */
  readonly keys: readonly MetabaseKey[];
  /** Comments anywhere but just before a key: the metabase has no place for them, so they are left out. */
  readonly droppedComments: number;
}

export interface ReadOptions {
  /** Takes each key as soon as its element ends; the result then holds no keys. */
  readonly onKey?: ((key: MetabaseKey) => void) | undefined;
  /** Called after each chunk with the number of bytes (or characters, for text) read so far. */
  readonly onProgress?: ((read: number) => void) | undefined;
}

/** Reads MetaBase.xml from a stream of bytes (a file stream) or text, in bounded memory besides the keys. */
export async function readMetabaseXml(source: AsyncIterable<Uint8Array | string>, options: ReadOptions = {}): Promise<MetabaseXml> {
  const reader = new MetabaseXmlReader(options.onKey);
  let read = 0;
  for await (const chunk of source) {
    if (typeof chunk === 'string') reader.write(chunk);
    else reader.writeBytes(chunk);
    read += chunk.length;
    options.onProgress?.(read);
  }
  return reader.end();
}

/** Reads MetaBase.xml held in a string. */
export function parseMetabaseXml(text: string): MetabaseXml {
  const reader = new MetabaseXmlReader(undefined);
  reader.write(text);
  return reader.end();
}

const ATTRIBUTE: XmlForm = { kind: 'attribute' };

/**
 * The longest run of text the reader holds between two pieces of markup: a start tag with its values, a
 * comment, a text node (decided: 16 Mi characters; the largest values IIS writes, MimeMap or HttpErrors
 * lists, are tens of kilobytes). The parser keeps a whole start tag in memory until it ends, so without a
 * bound a 100 MB attribute costs half a gigabyte and a larger one ends the process out of memory.
 */
export const LONGEST_RUN = 16 * 1024 * 1024;
const CUSTOM_FIELDS: readonly CustomField[] = ['ID', 'Value', 'Type', 'UserType', 'Attributes'];

interface OpenKey {
  readonly path: string;
  readonly keyType: string;
  readonly properties: Map<string, Property>;
  readonly comments: readonly string[] | undefined;
}

/** Where the file's keys are: under `<configuration><MBProperty>`, under a bare `<MBProperty>`, or one bare key. */
type Layout = 'configuration' | 'mbproperty' | 'key';

class MetabaseXmlReader {
  private readonly parser = new SaxesParser<{ xmlns: false; position: true }>({ xmlns: false, position: true });
  private readonly scanner = new RawValueScanner();
  private readonly decoder = new ChunkDecoder();
  private readonly keys: MetabaseKey[] = [];
  /** One frozen list per distinct raw MULTISZ text: a hosting server's file repeats a few lists thousands of times. */
  private readonly lists = new Map<string, readonly string[]>();
  private readonly seen = new Map<string, number>();
  private layout: Layout | undefined;
  private depth = 0;
  private key: OpenKey | undefined;
  private comments: string[] = [];
  private droppedComments = 0;
  private namespace: string | undefined;
  private tagLine = 1;
  private tagColumn = 1;
  /** Where the last markup before any text ended (the column of its last character). */
  private markupEnd = { line: 1, column: 0 };
  /** The first error a handler raised; saxes keeps going after a handler throws, so it is kept here. */
  private failure: MetabaseXmlError | undefined;
  /** Where the parser last reported anything (a character offset): the start of the run it is holding. */
  private runStart = 0;
  private run = { line: 1, column: 1 };

  constructor(private readonly onKey: ((key: MetabaseKey) => void) | undefined) {
    const p = this.parser;
    const mark = () => {
      this.runStart = p.position;
      this.run = { line: p.line, column: Math.max(1, p.column) };
    };
    // saxes takes one handler per event: each handler below starts by marking where the parser is.
    p.on('xmldecl', (decl) => {
      mark();
      if (decl.encoding !== undefined && !/^utf-?(8|16)$/i.test(decl.encoding)) {
        this.fail(`encoding "${decl.encoding}" is not supported: MetaBase.xml is UTF-8 (or UTF-16)`);
      }
    });
    p.on('doctype', () => {
      mark();
      const at = this.scanner.doctypeAt;
      this.fail('a DOCTYPE is not accepted: MetaBase.xml has no DTD, and entities beyond XML\'s five are refused', at);
    });
    p.on('processinginstruction', (pi) => {
      mark();
      this.fail(`the processing instruction <?${pi.target}?> is not accepted`);
    });
    p.on('comment', (text) => {
      mark();
      this.comment(text);
      this.markupEnd = { line: p.line, column: p.column };
    });
    p.on('text', (text) => {
      mark();
      this.text(text);
    });
    p.on('cdata', (text) => {
      mark();
      // Reported at its end; on one line, its start is `<![CDATA[` + text + `]]>` back from there.
      const at = text.includes('\n') ? undefined : { line: p.line, column: Math.max(1, p.column - text.length - 11) };
      this.fail('CDATA is not accepted: MetaBase.xml holds values only in attributes', at);
    });
    p.on('opentagstart', (tag) => {
      mark();
      this.tagLine = p.line;
      this.tagColumn = Math.max(1, p.column - tag.name.length - 1);
    });
    p.on('opentag', (tag) => {
      mark();
      this.open(tag, this.scanner.take());
      this.markupEnd = { line: p.line, column: p.column };
    });
    p.on('closetag', () => {
      mark();
      this.close();
      this.markupEnd = { line: p.line, column: p.column };
    });
  }

  write(text: string): void {
    this.scanner.scan(text);
    this.feed(text);
  }

  writeBytes(chunk: Uint8Array): void {
    try {
      this.decoder.write(chunk, (text) => this.write(text));
    } catch (error) {
      throw this.encodingError(error);
    }
  }

  end(): MetabaseXml {
    try {
      this.decoder.end((text) => this.write(text));
    } catch (error) {
      throw this.encodingError(error);
    }
    try {
      this.parser.close();
    } catch (error) {
      throw this.failure ?? this.parserError(error);
    }
    if (this.failure) throw this.failure;
    // Comments after the last key have no key to stay with.
    this.droppedComments += this.comments.length;
    return { namespace: this.namespace, keys: this.keys, droppedComments: this.droppedComments };
  }

  private feed(text: string): void {
    try {
      this.parser.write(text);
    } catch (error) {
      throw this.failure ?? this.parserError(error);
    }
    if (this.failure) throw this.failure;
    if (this.parser.position - this.runStart > LONGEST_RUN) {
      const limit = `${LONGEST_RUN / 1024 / 1024} Mi characters`;
      this.fail(`more than ${limit} without markup from here (a value, comment or text that long is no metabase's)`, this.run);
    }
  }

  private encodingError(error: unknown): Error {
    if (this.failure) return this.failure;
    if (!(error instanceof InvalidEncodingError)) return error as Error;
    return new MetabaseXmlError(this.parser.line, this.parser.column + 1, error.message);
  }

  /** Saxes reports `file:line:column: message`; the position is that of the character it stopped at. */
  private parserError(error: unknown): Error {
    if (!(error instanceof Error)) return new Error(String(error));
    const match = /^(\d+):(\d+): (.*)$/s.exec(error.message);
    if (!match) return error;
    return new MetabaseXmlError(Number(match[1]), Math.max(1, Number(match[2])), match[3]!.replace(/\.$/, ''));
  }

  /** Raises an error from a handler: saxes would swallow it into its own state, so stop it here. */
  private fail(reason: string, at?: { readonly line: number; readonly column: number }): never {
    const error = new MetabaseXmlError(at?.line ?? this.parser.line, at?.column ?? Math.max(1, this.parser.column), reason);
    this.failure ??= error;
    throw error;
  }

  private failAtTag(reason: string): never {
    return this.fail(reason, { line: this.tagLine, column: this.tagColumn });
  }

  private get keyDepth(): number {
    return this.layout === 'configuration' ? 2 : this.layout === 'mbproperty' ? 1 : 0;
  }

  private comment(text: string): void {
    if (this.layout !== undefined && this.layout !== 'key' && this.depth === this.keyDepth) this.comments.push(text);
    else this.droppedComments++;
  }

  /** Whitespace between elements is layout; anything else is not part of MetaBase.xml. */
  private text(text: string): void {
    const first = text.search(/\S/);
    if (first < 0) return;
    // Text runs from the end of the last markup to the next `<`: find its first non-space from there.
    const breaksBefore = text.slice(0, first).split('\n').length - 1;
    const at =
      breaksBefore === 0
        ? { line: this.markupEnd.line, column: this.markupEnd.column + 1 + first }
        : { line: this.markupEnd.line + breaksBefore, column: first - text.lastIndexOf('\n', first - 1) };
    this.fail(`text "${text.trim().slice(0, 40)}" is not part of MetaBase.xml (values go in attributes)`, at);
  }

  private open(tag: SaxesTagPlain, raws: RawValues | null): void {
    const depth = this.depth++;
    const names = Object.keys(tag.attributes);
    if (raws !== null && raws.length !== names.length) throw new Error('internal: raw attribute values out of step with the parser');
    const raw = (i: number): string | undefined => (raws === null ? undefined : raws[i]);

    if (depth === 0) {
      if (tag.name === 'configuration') {
        this.layout = 'configuration';
        for (const name of names) if (name !== 'xmlns') this.failAtTag(`<configuration> has an unexpected attribute ${name}`);
        this.namespace = tag.attributes.xmlns;
        return;
      }
      if (tag.name === 'MBProperty') {
        this.layout = 'mbproperty';
        if (names.length > 0) this.failAtTag(`<MBProperty> has an unexpected attribute ${names[0]}`);
        return;
      }
      if (tag.attributes.Location === undefined) {
        this.failAtTag(`<${tag.name}> is not MetaBase.xml: expected <configuration>, <MBProperty> or a key element with a Location`);
      }
      this.layout = 'key';
    }
    const keyDepth = this.keyDepth;
    if (depth < keyDepth) {
      if (tag.name !== 'MBProperty') this.failAtTag(`expected <MBProperty> inside <configuration>, found <${tag.name}>`);
      if (names.length > 0) this.failAtTag(`<MBProperty> has an unexpected attribute ${names[0]}`);
      return;
    }
    if (depth === keyDepth) {
      this.openKey(tag, names, raw);
      return;
    }
    if (depth === keyDepth + 1) {
      if (tag.name !== 'Custom') this.failAtTag(`<${tag.name}> inside a key: only <Custom> properties go there`);
      this.addCustom(tag, names, raw);
      return;
    }
    this.failAtTag(`<${tag.name}> inside <Custom>: a Custom property has no child elements`);
  }

  private openKey(tag: SaxesTagPlain, names: readonly string[], raw: (i: number) => string | undefined): void {
    if (tag.name === 'Custom') this.failAtTag('<Custom> outside a key');
    const location = tag.attributes.Location;
    if (location === undefined) this.failAtTag(`<${tag.name}> has no Location`);
    const path = location.length > 1 ? location.replace(/\/+$/, '') : location;
    if (path !== '.' && !path.startsWith('/')) this.failAtTag(`Location "${location}" is not a metabase path (/LM/...)`);
    const firstLine = this.seen.get(pathKey(path));
    if (firstLine !== undefined) this.failAtTag(`the key ${path} appears twice (first on line ${firstLine})`);
    this.seen.set(pathKey(path), this.tagLine);

    const properties = new Map<string, Property>();
    names.forEach((name, i) => {
      if (name === 'Location') return;
      this.addProperty(properties, attributeProperty(name, tag.attributes[name]!, raw(i), this.lists));
    });
    this.key = { path, keyType: tag.name, properties, comments: this.comments.length > 0 ? this.comments : undefined };
    this.comments = [];
  }

  private addCustom(tag: SaxesTagPlain, names: readonly string[], raw: (i: number) => string | undefined): void {
    const attrs = tag.attributes;
    for (const name of names) {
      if (name !== 'Name' && !(CUSTOM_FIELDS as readonly string[]).includes(name)) {
        this.failAtTag(`<Custom> has an unexpected attribute ${name} (it takes Name, ID, Value, Type, UserType, Attributes)`);
      }
    }
    const name = attrs.Name;
    if (name === undefined || name === '') this.failAtTag('<Custom> without a Name');
    let id: number | undefined;
    if (attrs.ID !== undefined) {
      if (!/^\d+$/.test(attrs.ID)) this.failAtTag(`<Custom Name="${name}"> has ID="${attrs.ID}", not a number`);
      id = Number(attrs.ID);
    }
    const schema = schemaOf(name) ?? (id !== undefined ? schemaById(id) : undefined);
    const rawValue = raw(names.indexOf('Value'));
    const type = attrs.Type;
    const list = type !== undefined ? type.toUpperCase() === 'MULTISZ' : schema ? schema.dataType === 'MULTISZ' : rawValue !== undefined;
    this.addProperty(this.key!.properties, {
      name,
      value: valueOf(attrs.Value ?? '', rawValue, list, this.lists),
      id: id ?? schema?.id,
      dataType: type ?? schema?.dataType,
      userType: attrs.UserType,
      attributes: attrs.Attributes,
      xml: { kind: 'custom', omitted: CUSTOM_FIELDS.filter((field) => attrs[field] === undefined) },
    });
  }

  private addProperty(properties: Map<string, Property>, prop: Property): void {
    const id = prop.name.toLowerCase();
    if (properties.has(id)) this.failAtTag(`the property ${prop.name} appears twice in one key`);
    properties.set(id, prop);
  }

  private close(): void {
    this.depth--;
    if (this.depth !== this.keyDepth || !this.key) return;
    const { path, keyType, properties, comments } = this.key;
    const key: MetabaseKey = comments ? { path, keyType, properties, comments } : { path, keyType, properties };
    this.key = undefined;
    if (this.onKey) this.onKey(key);
    else this.keys.push(key);
  }
}

/**
 * A property written as an attribute. Its type comes from the schema; an attribute the schema does not know
 * is a list when its value spans lines, as IIS writes MULTISZ values.
 */
function attributeProperty(name: string, value: string, raw: string | undefined, lists: Map<string, readonly string[]>): Property {
  const schema = schemaOf(name);
  const list = schema ? schema.dataType === 'MULTISZ' : raw !== undefined;
  return { name, value: valueOf(value, raw, list, lists), id: schema?.id, dataType: schema?.dataType, xml: ATTRIBUTE };
}

/** The most distinct lists one reader shares. */
const SHARED_LISTS = 4096;

/** A value as the program keeps it: a list from the raw lines, or the text the parser normalised. */
function valueOf(value: string, raw: string | undefined, list: boolean, lists: Map<string, readonly string[]>): Property['value'] {
  if (!list) return unshiftIllegal(value);
  if (raw !== undefined && hasLineBreak(raw)) {
    // Lists are values: keys with the same raw text share one frozen list (see metabase/scriptmaps.ts).
    let entries = lists.get(raw);
    if (!entries) {
      entries = Object.freeze(rawEntries(raw));
      // A file whose lists all differ gains nothing: past a bound, stop remembering them.
      if (lists.size < SHARED_LISTS) lists.set(raw, entries);
    }
    return entries;
  }
  return value === '' ? [] : [unshiftIllegal(value)];
}
