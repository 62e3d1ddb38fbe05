import { Metabase, type MetabaseKey, type Property } from '../metabase/metabase.js';
import { parentPath, pathKey } from '../metabase/paths.js';
import { LazyProperties, type PropertySource } from '../metabase/properties.js';
import type { Change, FrameworkState, MachineState, Os } from '../machine/machine.js';
import type { FrameworkVersion } from '../regiis/frameworks.js';
import type { MachineTable } from './schema.js';
import { Interner, NotAList, commentsToText, machineValues, propertyToRow, rowToProperty, rowToServices } from './rows.js';
import { type Db, type Sqlite, batchInsert, rawOf, statement } from './raw.js';
import { StoreError } from './errors.js';
import { SharedValues, type StoredValue, dropUnusedValues } from './shared-values.js';

/**
 * The machine as rows, read and written over the raw connection (raw.ts): whole metabases move through
 * here, so every statement is prepared once and rows are read as arrays.
 */

/** A machine read from the file, with the row ids of its keys so that changes can be written back. */
export interface LoadedMachine {
  readonly state: MachineState;
  readonly keyIds: Map<string, number>;
}

export interface LoadOptions {
  /**
   * Read properties and directories only when the run asks for them, inside the caller's transaction (see
   * `StoredProperties`). Only for callers that read the machine before they write its metabase, and write it
   * only through `applyChanges` (a run's plan, a read-only command, the runtime): a caller that rewrites the
   * metabase tables some other way (an import) and then reads the loaded state would read the new rows.
   * Without it, everything is read at once.
   */
  readonly lazy?: boolean;
}

// Every property query reads these, in this order, as arrays (the key first: no row is copied to drop it).
const PROPERTY_COLUMNS = 'key_id, name, prop_id, data_type, user_type, attributes, value, shared_id, xml_form, ord';
type RawProperty = [
  key_id: number,
  name: string,
  prop_id: number | null,
  data_type: string | null,
  user_type: string | null,
  attributes: string | null,
  value: string | null,
  shared_id: number | null,
  xml_form: string | null,
  ord: number,
];

/**
 * Where a machine is read from: the live tables, or the copies a snapshot keeps of them. `where` picks the
 * set's rows in every table but the machine row's, which `machineWhere` picks.
 */
export interface MachineTables {
  readonly machine: string;
  readonly machineWhere: string;
  readonly keys: string;
  readonly properties: string;
  readonly frameworks: string;
  readonly directories: string;
  readonly grants: string;
  readonly where: string;
  readonly params: readonly unknown[];
}

export const LIVE_TABLES: MachineTables = {
  machine: 'machine',
  machineWhere: 'true',
  keys: 'mb_key',
  properties: 'mb_property',
  frameworks: 'framework',
  directories: 'directory',
  grants: 'grant_entry',
  where: 'true',
  params: [],
};

export const snapshotTables = (snapshotId: number): MachineTables => ({
  machine: 'snapshot',
  machineWhere: 'id = ?',
  keys: 'snapshot_key',
  properties: 'snapshot_property',
  frameworks: 'snapshot_framework',
  directories: 'snapshot_directory',
  grants: 'snapshot_grant',
  where: 'snapshot_id = ?',
  params: [snapshotId],
});

/** What reading properties needs beside the rows: where they are, shared lists, the shared values' texts. */
interface Readers {
  readonly tables: MachineTables;
  readonly interner: Interner;
  readonly shared: SharedValues;
}

/** Maps one property row; a value it cannot read means the file was damaged or edited by hand. */
function toProperty(sqlite: Sqlite, row: RawProperty, { tables, interner, shared }: Readers): Property {
  try {
    const value = shared.text(row[6], row[7]);
    return rowToProperty({ name: row[1], prop_id: row[2], data_type: row[3], user_type: row[4], attributes: row[5], value, xml_form: row[8] }, interner);
  } catch (error) {
    const where = `${row[1]} at ${pathOf(sqlite, tables, row[0])}`;
    throw damaged(error instanceof NotAList ? `${where} is not a valid list` : `${where} cannot be read (${(error as Error).message})`);
  }
}

const pathOf = (sqlite: Sqlite, tables: MachineTables, keyId: number): string =>
  (statement(sqlite, `select path from ${tables.keys} where ${tables.where} and id = ?`).pluck().get(...tables.params, keyId) as string | undefined) ?? `#${keyId}`;

const damaged = (what: string): StoreError =>
  new StoreError('damaged', `the machine file is damaged: ${what} (metabase doctor lists every problem)`);

/** A key's XML comments (a JSON list), undefined when it has none. */
function commentsOf(path: string, text: string | null): readonly string[] | undefined {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as string[];
  } catch (error) {
    throw damaged(`the comments of ${path} cannot be read (${(error as Error).message})`);
  }
}

/**
 * Every key's properties, by key id, in the order they were set. Read in the order the table stores them (by
 * name), then each key's put in order: sorting a key's few rows costs less than having SQLite sort them all.
 */
function readAllRows(sqlite: Sqlite, readers: Readers): Map<number, Property[]> {
  // Each row becomes its property at once (the row is let go), kept with its place until the key's are sorted.
  const byKey = new Map<number, [ord: number, prop: Property][]>();
  const { properties, where, params } = readers.tables;
  const query = statement(sqlite, `select ${PROPERTY_COLUMNS} from ${properties} where ${where}`).raw(true);
  for (const row of query.iterate(...params) as Iterable<RawProperty>) {
    let list = byKey.get(row[0]);
    if (!list) byKey.set(row[0], (list = []));
    list.push([row[9], toProperty(sqlite, row, readers)]);
  }
  const rows = new Map<number, Property[]>();
  for (const [keyId, list] of byKey) rows.set(keyId, list.sort((a, b) => a[0] - b[0]).map(([, prop]) => prop));
  return rows;
}

/**
 * Point reads cost a few microseconds each, reading a whole column or table about one per row: a lazy read
 * switches to reading everything once it has asked for a quarter of the rows there are (and never before
 * this many). `-lv` reads one list; `-lk` reads every key's; `-i` asks whether 10 000 site homes exist
 * among 100 000 directories, one by one.
 */
const READS_BEFORE_BULK = 256;
const bulkAfter = (rows: number): number => Math.max(READS_BEFORE_BULK, Math.ceil(rows / 4));

/**
 * The store side of lazy properties. A property name is read key by key at first, then as a whole column
 * (one indexed statement); a key's whole row one by one, then the whole table. Cached for the run. The
 * rows it reads are those of the run's transaction: before the run writes, the machine as loaded; after
 * `applyChanges`, the same machine with the run's changes, which is what the draft holds too.
 */
class StoredProperties implements PropertySource {
  private readonly columns = new Map<string, Map<number, Property>>();
  private readonly points = new Map<string, { readonly read: Map<number, Property | undefined>; limit: number }>();
  private rows: Map<number, Property[]> | undefined;
  private rowReads = 0;

  constructor(
    private readonly sqlite: Sqlite,
    private readonly readers: Readers,
  ) {}

  get(handle: number, name: string): Property | undefined {
    const column = this.columns.get(name);
    if (column) return column.get(handle);
    let points = this.points.get(name);
    if (!points) this.points.set(name, (points = { read: new Map(), limit: READS_BEFORE_BULK }));
    if (points.read.has(handle)) return points.read.get(handle);
    if (points.read.size >= points.limit) {
      const count = statement(this.sqlite, 'select count(*) from mb_property where name_lc = ?').pluck().get(name) as number;
      points.limit = Math.max(points.limit, bulkAfter(count));
      if (points.read.size >= points.limit) return this.column(name).get(handle);
    }
    const row = statement(this.sqlite, `select ${PROPERTY_COLUMNS} from mb_property where key_id = ? and name_lc = ?`).raw(true).get(handle, name) as
      | RawProperty
      | undefined;
    const prop = row ? toProperty(this.sqlite, row, this.readers) : undefined;
    points.read.set(handle, prop);
    return prop;
  }

  private column(name: string): Map<number, Property> {
    const column = new Map<number, Property>();
    const query = statement(this.sqlite, `select ${PROPERTY_COLUMNS} from mb_property where name_lc = ?`).raw(true);
    for (const row of query.iterate(name) as Iterable<RawProperty>) column.set(row[0], toProperty(this.sqlite, row, this.readers));
    this.columns.set(name, column);
    this.points.delete(name);
    return column;
  }

  row(handle: number): readonly Property[] {
    if (!this.rows && ++this.rowReads > READS_BEFORE_BULK) this.rows = readAllRows(this.sqlite, this.readers);
    if (this.rows) return this.rows.get(handle) ?? [];
    const query = statement(this.sqlite, `select ${PROPERTY_COLUMNS} from mb_property where key_id = ? order by ord`).raw(true);
    return (query.all(handle) as RawProperty[]).map((row) => toProperty(this.sqlite, row, this.readers));
  }
}

/**
 * The file system as the file holds it, read when first asked. "Does it exist" is answered one directory at
 * a time, then (past an eighth of them) from every name at once, read from the primary key's index alone;
 * the directories' paths as stored are read one by one, or all at once when something lists them. It never
 * changes during a run (changes are written at its end), so a run's machine and the copy of it a plan is
 * made against share one.
 */
class DirectoryRows {
  private all: Map<string, string> | undefined;
  private names: Set<string> | undefined;
  private readonly known = new Map<string, string | undefined>();
  private limit = READS_BEFORE_BULK;

  constructor(private readonly sqlite: Sqlite) {}

  has(lc: string): boolean {
    if (this.all) return this.all.has(lc);
    if (this.names) return this.names.has(lc);
    if (!this.known.has(lc) && this.known.size >= this.limit) {
      const last = statement(this.sqlite, 'select max(rowid) from directory').pluck().get() as number | null;
      this.limit = Math.max(this.limit, Math.ceil((last ?? 0) / 8));
      if (this.known.size >= this.limit) {
        this.names = new Set(statement(this.sqlite, 'select path_lc from directory').pluck().all() as string[]);
        return this.names.has(lc);
      }
    }
    return this.get(lc) !== undefined;
  }

  get(lc: string): string | undefined {
    if (this.all) return this.all.get(lc);
    if (this.names && !this.names.has(lc)) return undefined;
    if (!this.known.has(lc)) this.known.set(lc, statement(this.sqlite, 'select path from directory where path_lc = ?').pluck().get(lc) as string | undefined);
    return this.known.get(lc);
  }

  /** Every directory, by path. */
  rows(): ReadonlyMap<string, string> {
    if (!this.all) {
      const query = statement(this.sqlite, 'select path_lc, path from directory order by path_lc').raw(true);
      this.all = new Map(query.all() as [string, string][]);
      this.known.clear();
      this.names = undefined;
    }
    return this.all;
  }
}

/**
 * The virtual file system of a run: the file's directories (`DirectoryRows`) and the run's changes to them.
 * New and removed directories are kept aside until something lists the whole file system, so that `-i`
 * creating a client script folder under each of 10 000 sites reads 10 000 rows, not 100 000. Ordered
 * exactly as a Map loaded first and changed after.
 */
class StoredDirectories extends Map<string, string> {
  private loaded = false;
  /** Changes before the load: a path, or null for a removed directory. */
  private readonly edits = new Map<string, string | null>();
  /** Directories that did not exist and were created, in order: they come after the loaded ones. */
  private readonly tail = new Set<string>();

  constructor(private readonly file: DirectoryRows) {
    super();
  }

  /** A copy that later changes to this one do not reach (`cloneState`), over the same file. */
  copy(): Map<string, string> {
    if (this.loaded) return new Map(this);
    const copy = new StoredDirectories(this.file);
    for (const [lc, path] of this.edits) copy.edits.set(lc, path);
    for (const lc of this.tail) copy.tail.add(lc);
    return copy;
  }

  /** Reads every directory (once), then applies the changes kept aside. */
  load(): this {
    if (this.loaded) return this;
    this.loaded = true;
    for (const [lc, path] of this.file.rows()) super.set(lc, path);
    for (const [lc, path] of this.edits) {
      if (path === null) super.delete(lc);
      else if (!this.tail.has(lc)) super.set(lc, path);
    }
    for (const lc of this.tail) {
      super.delete(lc);
      super.set(lc, this.edits.get(lc)!);
    }
    this.edits.clear();
    this.tail.clear();
    return this;
  }

  override get(lc: string): string | undefined {
    if (this.loaded) return super.get(lc);
    if (this.edits.has(lc)) return this.edits.get(lc) ?? undefined;
    return this.file.get(lc);
  }

  override has(lc: string): boolean {
    if (this.loaded) return super.has(lc);
    if (this.edits.has(lc)) return this.edits.get(lc) != null;
    return this.file.has(lc);
  }

  override set(lc: string, path: string): this {
    if (this.loaded) return super.set(lc, path);
    if (!this.has(lc)) {
      this.tail.delete(lc);
      this.tail.add(lc);
    }
    this.edits.set(lc, path);
    return this;
  }

  override delete(lc: string): boolean {
    if (this.loaded) return super.delete(lc);
    if (!this.has(lc)) return false;
    this.edits.set(lc, null);
    this.tail.delete(lc);
    return true;
  }

  override clear(): void {
    this.loaded = true;
    this.edits.clear();
    this.tail.clear();
    super.clear();
  }

  override get size(): number {
    this.load();
    return super.size;
  }

  override entries(): ReturnType<Map<string, string>['entries']> {
    this.load();
    return super.entries();
  }

  override keys(): ReturnType<Map<string, string>['keys']> {
    this.load();
    return super.keys();
  }

  override values(): ReturnType<Map<string, string>['values']> {
    this.load();
    return super.values();
  }

  override [Symbol.iterator](): ReturnType<Map<string, string>['entries']> {
    return this.entries();
  }

  override forEach(callback: (value: string, key: string, map: Map<string, string>) => void, thisArg?: unknown): void {
    this.load();
    super.forEach(callback, thisArg);
  }
}

export async function hasMachine(db: Db): Promise<boolean> {
  return statement(rawOf(db), 'select id from machine').get() !== undefined;
}

/**
 * Reads the machine: its keys, and their properties at once or (`lazy`) when the run asks for them. From a
 * snapshot's tables (`snapshotTables`) it reads the machine the snapshot holds, at once.
 */
export async function loadMachine(db: Db, options: LoadOptions = {}, tables: MachineTables = LIVE_TABLES): Promise<LoadedMachine> {
  const sqlite = rawOf(db);
  const live = tables === LIVE_TABLES;
  const { where, params } = tables;
  const machine = statement(sqlite, `select * from ${tables.machine} where ${tables.machineWhere}`).get(...params) as MachineTable | undefined;
  if (!machine) throw new StoreError('not-a-machine', 'the file holds no machine (it was never initialised)');

  const readers = { tables, interner: new Interner(), shared: new SharedValues(sqlite) };
  // The lazy sources read the live tables: a snapshot is read at once.
  const source = options.lazy && live ? new StoredProperties(sqlite, readers) : undefined;
  const rows = source ? undefined : readAllRows(sqlite, readers);
  const keyIds = new Map<string, number>();
  const metabase = new Metabase();
  // A key's identity is computed, not read: lower-casing is cheaper than a second string per key from SQLite.
  const keys = statement(sqlite, `select id, path, key_type, xml_comments from ${tables.keys} where ${where} order by ord`).raw(true);
  for (const [id, path, keyType, comments] of keys.all(...params) as [number, string, string, string | null][]) {
    const lc = pathKey(path);
    keyIds.set(lc, id);
    const properties = source ? LazyProperties.of(source, id) : new Map((rows!.get(id) ?? []).map((p) => [p.name.toLowerCase(), p]));
    const parsed = commentsOf(path, comments);
    metabase.put(parsed === undefined ? { path, keyType, properties } : { path, keyType, properties, comments: parsed }, lc);
  }

  const frameworks = new Map<FrameworkVersion, FrameworkState>();
  const frameworkRows = statement(sqlite, `select version, installed, registered, isapi_present from ${tables.frameworks} where ${where}`).raw(true);
  for (const [version, installed, registered, isapiPresent] of frameworkRows.all(...params) as [FrameworkVersion, number, number, number][]) {
    frameworks.set(version, { version, installed: installed === 1, registered: registered === 1, isapiPresent: isapiPresent === 1 });
  }
  const grantRows = statement(sqlite, `select principal, version from ${tables.grants} where ${where} order by id`).raw(true).all(...params) as [string, FrameworkVersion][];
  const grants = grantRows.map(([principal, version]) => ({ principal, version }));
  const directories = live
    ? new StoredDirectories(new DirectoryRows(sqlite))
    : new Map(statement(sqlite, `select path_lc, path from ${tables.directories} where ${where} order by path_lc`).raw(true).all(...params) as [string, string][]);
  if (!options.lazy && directories instanceof StoredDirectories) directories.load();

  return {
    keyIds,
    state: {
      profile: machine.profile,
      os: machine.os as Os,
      windir: machine.windir,
      metabase,
      frameworks,
      directories,
      services: rowToServices(machine),
      setupLogCounter: machine.setup_log_counter,
      grants,
    },
  };
}

/** Writes a whole machine into an empty file (a new profile). */
export async function insertMachine(db: Db, state: MachineState, createdAt: string): Promise<void> {
  const sqlite = rawOf(db);
  statement(
    sqlite,
    `insert into machine (id, profile, os, windir, setup_log_counter, state_service, perf_counters, aspnet_account, created_at)
     values (1, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(...machineValues(state), createdAt);
  insertKeys(sqlite, state.metabase.all(), new Map());
  insertFrameworksAndDirectories(sqlite, state);
}

/**
 * Replaces the machine's state (metabase, frameworks, files, services, grants) with `state`, keeping its logs
 * and snapshots: `metabase generate` builds a new server into an existing file. The caller restarts the
 * runtime. Runs in the caller's transaction.
 */
export async function replaceMachine(db: Db, state: MachineState): Promise<void> {
  const sqlite = rawOf(db);
  for (const table of ['framework', 'directory', 'grant_entry']) sqlite.prepare(`delete from ${table}`).run();
  statement(
    sqlite,
    `update machine set profile = ?, os = ?, windir = ?, setup_log_counter = ?, state_service = ?, perf_counters = ?, aspnet_account = ?,
     xml_namespace = null`,
  ).run(...machineValues(state));
  await replaceMetabase(sqlite, state.metabase);
  insertFrameworksAndDirectories(sqlite, state);
}

function insertFrameworksAndDirectories(sqlite: Sqlite, state: MachineState): void {
  for (const framework of state.frameworks.values()) upsertFramework(sqlite, framework);
  const insert = statement(sqlite, 'insert into directory (path_lc, path) values (?, ?)');
  for (const [lc, path] of state.directories) insert.run(lc, path);
  const grant = statement(sqlite, 'insert into grant_entry (principal, version) values (?, ?)');
  for (const g of state.grants) grant.run(g.principal, g.version);
}

/** Inserts every key of a metabase (into a file that holds none), with ids assigned in tree order. */
export async function insertMetabase(db: Db, metabase: Metabase): Promise<void> {
  insertKeys(rawOf(db), metabase.all(), new Map());
}

/** Replaces every key of the machine with those of `metabase` (an imported MetaBase.xml). */
export async function replaceMetabase(db: Db, metabase: Metabase): Promise<void> {
  const sqlite = rawOf(db);
  // Properties first: deleting the keys then leaves the foreign-key cascade nothing to do.
  statement(sqlite, 'delete from mb_property').run();
  statement(sqlite, 'delete from mb_key').run();
  insertKeys(sqlite, metabase.all(), new Map());
  dropUnusedValues(sqlite);
}

/**
 * Replaces the key at `path` and everything below it with `keys` (the first of which is the new key at
 * `path`, parents before children). The new key keeps the old one's place among its siblings.
 */
export async function replaceSubtree(db: Db, path: string, keys: Iterable<MetabaseKey>): Promise<void> {
  const sqlite = rawOf(db);
  const id = pathKey(path);
  const old = statement(sqlite, 'select ord from mb_key where path_lc = ?').raw(true).get(id) as [number] | undefined;
  // The key and every path that starts with it and a slash ('0' is the character after '/').
  statement(sqlite, 'delete from mb_key where path_lc = ? or (path_lc > ? and path_lc < ?)').run(id, `${id}/`, `${id}0`);
  const parent = parentPath(path);
  const ids = new Map<string, number>();
  if (parent !== undefined) {
    const row = statement(sqlite, 'select id from mb_key where path_lc = ?').raw(true).get(pathKey(parent)) as [number] | undefined;
    if (row) ids.set(pathKey(parent), row[0]);
  }
  insertKeys(sqlite, keys, ids, old?.[0]);
  dropUnusedValues(sqlite);
}

const PROPERTY_ROW = ['key_id', 'name_lc', 'name', 'ord', 'prop_id', 'data_type', 'user_type', 'attributes', 'value', 'shared_id', 'xml_form'];
const INSERT_PROPERTY = `insert into mb_property (${PROPERTY_ROW.join(', ')}) values (${PROPERTY_ROW.map(() => '?').join(', ')})`;

/** A property's row values, in `PROPERTY_ROW`'s order, its value stored in the row or shared. */
function propertyValues(shared: SharedValues, keyId: number, prop: Property, ord: number): unknown[] {
  const row = propertyToRow(keyId, prop, ord);
  return [row.key_id, row.name_lc, row.name, row.ord, row.prop_id, row.data_type, row.user_type, row.attributes, ...shared.store(row.value), row.xml_form];
}

/** The last value of a table's column (0 when empty), for numbering new rows after it. */
function lastOf(sqlite: Sqlite, table: 'mb_key' | 'mb_property', column: 'id' | 'ord'): number {
  return Number((statement(sqlite, `select max(${column}) from ${table}`).raw(true).get() as [number | null])[0] ?? 0);
}

const KEY_COLUMNS = ['id', 'path', 'path_lc', 'parent_id', 'key_type', 'ord', 'xml_comments'];

/**
 * Inserts keys, parents before children, after the keys the file holds. `ids` maps the paths of keys already
 * in the file that are parents of inserted ones to their row ids; `firstOrd` places the first key.
 */
function insertKeys(sqlite: Sqlite, source: Iterable<MetabaseKey>, ids: Map<string, number>, firstOrd?: number): void {
  let nextId = lastOf(sqlite, 'mb_key', 'id') + 1;
  let nextOrd = lastOf(sqlite, 'mb_key', 'ord') + 1;
  let propOrd = lastOf(sqlite, 'mb_property', 'ord') + 1;
  const keys = batchInsert(sqlite, 'mb_key', KEY_COLUMNS);
  const properties = batchInsert(sqlite, 'mb_property', PROPERTY_ROW);
  const shared = new SharedValues(sqlite);
  // Rows go out in batches, a property's batch possibly before its key's: check the foreign keys at commit.
  sqlite.pragma('defer_foreign_keys = ON');
  let first = true;
  for (const key of source) {
    const id = nextId++;
    const ord = first && firstOrd !== undefined ? firstOrd : nextOrd++;
    first = false;
    const lc = pathKey(key.path);
    ids.set(lc, id);
    const parent = parentPath(lc);
    keys.add(id, key.path, lc, parent === undefined ? null : (ids.get(parent) ?? null), key.keyType, ord, commentsToText(key));
    for (const prop of key.properties.values()) properties.add(...propertyValues(shared, id, prop, propOrd++));
  }
  keys.flush();
  properties.flush();
}

/** The namespace an imported MetaBase.xml gave `<configuration>`; undefined: IIS 6's. */
export async function readXmlNamespace(db: Db): Promise<string | undefined> {
  const row = statement(rawOf(db), 'select xml_namespace from machine').raw(true).get() as [string | null] | undefined;
  return row?.[0] ?? undefined;
}

export async function writeXmlNamespace(db: Db, namespace: string | undefined): Promise<void> {
  statement(rawOf(db), 'update machine set xml_namespace = ?').run(namespace ?? null);
}

function upsertFramework(sqlite: Sqlite, f: FrameworkState): void {
  statement(
    sqlite,
    `insert into framework (version, installed, registered, isapi_present) values (?, ?, ?, ?)
     on conflict (version) do update set installed = excluded.installed, registered = excluded.registered, isapi_present = excluded.isapi_present`,
  ).run(f.version, f.installed ? 1 : 0, f.registered ? 1 : 0, f.isapiPresent ? 1 : 0);
}

type PropertyChange = Extract<Change, { kind: 'setProperty' | 'deleteProperty' }>;

/**
 * Writes a run's changes, in order, with statements prepared once. Consecutive property changes are netted
 * first (the last change of a property wins), then written together: the rows that get the same value in
 * one statement (-r moves 10 000 lists to a dozen new ones: a dozen statements, not 10 000), the rows that
 * do not exist yet inserted after, in the order the run set them.
 */
export async function applyChanges(db: Db, loaded: LoadedMachine, changes: readonly Change[]): Promise<void> {
  const sqlite = rawOf(db);
  const { keyIds } = loaded;
  // New rows are numbered after the last ones, read once per run and only when needed.
  let propertyOrd: number | undefined;
  let keyOrd: number | undefined;
  const update = statement(
    sqlite,
    'update mb_property set value = ?, shared_id = ?, data_type = ? where name_lc = ? and key_id in (select value from json_each(?)) returning key_id',
  ).pluck();
  const insert = statement(sqlite, INSERT_PROPERTY);
  const remove = statement(sqlite, 'delete from mb_property where key_id = ? and name_lc = ?');
  const directories = batchInsert(sqlite, 'directory', ['path_lc', 'path'], 'on conflict do nothing');
  const shared = new SharedValues(sqlite);
  // Whether a shared value may have lost its last reference.
  let replaced = false;

  let pending: PropertyChange[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    replaced = true;
    // Each property's last change, in the order the properties were first changed. A property deleted and set
    // again goes to the end of its key, as in the draft: `since` is where it was set anew (or first set).
    const last = new Map<string, { keyId: number; nameLc: string; change: PropertyChange; since: number; recreated: boolean }>();
    for (const [at, change] of pending.entries()) {
      const keyId = keyIds.get(pathKey(change.path));
      if (keyId === undefined) throw new Error(`internal: no row for key ${change.path}`);
      const nameLc = (change.kind === 'setProperty' ? change.after.name : change.before.name).toLowerCase();
      const id = `${keyId}\0${nameLc}`;
      const known = last.get(id);
      const recreated = known !== undefined && (known.recreated || known.change.kind === 'deleteProperty');
      const since = known === undefined || known.change.kind === 'deleteProperty' ? at : known.since;
      last.set(id, { keyId, nameLc, change, since, recreated });
    }
    const sets = new Map<string, { stored: StoredValue; dataType: string | null; nameLc: string; keyIds: number[] }>();
    const inserts: { since: number; keyId: number; prop: Property }[] = [];
    for (const { keyId, nameLc, change, since, recreated } of last.values()) {
      if (change.kind === 'deleteProperty' || recreated) remove.run(keyId, nameLc);
      if (change.kind === 'deleteProperty') continue;
      if (recreated) {
        inserts.push({ since, keyId, prop: change.after });
        continue;
      }
      const row = propertyToRow(keyId, change.after, 0);
      const stored = shared.store(row.value);
      const target = `${nameLc}\0${row.data_type}\0${stored[1] ?? ''}\0${stored[0] ?? ''}`;
      let set = sets.get(target);
      if (!set) sets.set(target, (set = { stored, dataType: row.data_type, nameLc, keyIds: [] }));
      set.keyIds.push(keyId);
    }
    const updated = new Set<string>();
    for (const { stored, dataType, nameLc, keyIds: ids } of sets.values()) {
      for (const keyId of update.all(...stored, dataType, nameLc, JSON.stringify(ids)) as number[]) updated.add(`${keyId}\0${nameLc}`);
    }
    for (const [id, { keyId, change, since, recreated }] of last) {
      if (change.kind === 'setProperty' && !recreated && !updated.has(id)) inserts.push({ since, keyId, prop: change.after });
    }
    for (const { keyId, prop } of inserts.sort((a, b) => a.since - b.since)) {
      propertyOrd ??= lastOf(sqlite, 'mb_property', 'ord') + 1;
      insert.run(propertyValues(shared, keyId, prop, propertyOrd++));
    }
    pending = [];
  };

  for (const change of changes) {
    if (change.kind === 'setProperty' || change.kind === 'deleteProperty') {
      directories.flush();
      pending.push(change);
      continue;
    }
    flush();
    // Consecutive new directories go out together: -i creates three under each of thousands of sites.
    if (change.kind === 'mkdir') {
      directories.add(change.path.toLowerCase(), change.path);
      continue;
    }
    directories.flush();
    switch (change.kind) {
      case 'createKey': {
        const parent = parentPath(change.path);
        const parentId = parent === undefined ? null : (keyIds.get(pathKey(parent)) ?? null);
        keyOrd ??= lastOf(sqlite, 'mb_key', 'ord') + 1;
        const inserted = statement(sqlite, 'insert into mb_key (path, path_lc, parent_id, key_type, ord) values (?, ?, ?, ?, ?)').run(
          change.path,
          pathKey(change.path),
          parentId,
          change.keyType,
          keyOrd++,
        );
        keyIds.set(pathKey(change.path), Number(inserted.lastInsertRowid));
        break;
      }
      case 'deleteKey': {
        const prefix = pathKey(change.path);
        statement(sqlite, 'delete from mb_key where path_lc = ?').run(prefix);
        replaced = true;
        for (const id of [...keyIds.keys()]) if (id === prefix || id.startsWith(prefix + '/')) keyIds.delete(id);
        break;
      }
      case 'framework':
        upsertFramework(sqlite, change.after);
        break;
      case 'rmdir':
        statement(sqlite, 'delete from directory where path_lc = ?').run(change.path.toLowerCase());
        break;
      case 'services':
        statement(sqlite, 'update machine set state_service = ?, perf_counters = ?, aspnet_account = ?').run(
          change.after.stateService ?? null,
          change.after.perfCounters ?? null,
          change.after.aspnetAccount ? 1 : 0,
        );
        break;
      case 'windir':
        statement(sqlite, 'update machine set windir = ?').run(change.after);
        break;
      case 'setupLog':
        statement(sqlite, 'update machine set setup_log_counter = ?').run(change.next);
        break;
      case 'grant':
        statement(sqlite, 'insert into grant_entry (principal, version) values (?, ?)').run(change.user, change.version);
        break;
    }
  }
  flush();
  directories.flush();
  if (replaced) dropUnusedValues(sqlite);
}
