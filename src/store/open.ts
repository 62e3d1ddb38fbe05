import { randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  copyFileSync,
  existsSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { MIGRATIONS } from '../../migrations/index.js';
import type { Database } from './schema.js';
import { StoreError } from './errors.js';
import { linkRaw } from './raw.js';

/** Marks a SQLite file as a regiis-sim machine (`PRAGMA application_id`, "RGIS"). */
export const APPLICATION_ID = 0x52474953;
/** How long a write waits for another process's write to finish before giving up. */
const BUSY_TIMEOUT_MS = 10_000;
const PAGE_SIZE = 8192;

export interface Store {
  readonly file: string;
  /** Kysely over the connection; opened with `kysely: false`, only after `kysely()` has made it. */
  readonly db: Kysely<Database>;
  /** Kysely over the connection, made (and the kysely package loaded) on the first call. */
  kysely(): Promise<Kysely<Database>>;
  /** The connection under `db`, for bulk work (raw.ts); the same transactions. */
  readonly sqlite: BetterSqlite3.Database;
  /** True when this open created the file (and `initialise` filled it). */
  readonly created: boolean;
  /**
   * Why the file cannot be written (no write permission on it or its folder), or undefined when it can.
   * A read-only store reads as usual; `write` refuses before doing anything.
   */
  readonly readOnly: string | undefined;
  /** Runs `work` in one write transaction, begun as a writer so concurrent runs queue on the busy timeout. */
  write<T>(work: () => Promise<T>): Promise<T>;
  /** Runs `work` in one read transaction: a consistent view, no lock held against writers. */
  read<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** `false`: a missing file is an error instead of being created. */
  readonly create?: boolean;
  /** Fills a new file, in the transaction that creates its schema, before the file appears under its name. */
  readonly initialise?: (store: Store) => Promise<void>;
  /**
   * False: no Kysely instance (`db`), only the raw connection. Loading Kysely costs more than the rest of a
   * run of `aspnet_regiis -lv` on a small machine; the tool's path uses the raw repositories only. (Creating
   * or migrating a file loads it all the same.)
   */
  readonly kysely?: boolean;
}

/** Loads the listed migrations (they, and Kysely, are loaded only when a file needs migrating). */
class ListedMigrations implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(await Promise.all(Object.entries(MIGRATIONS).map(async ([name, load]) => [name, await load()] as const)));
  }
}

/**
 * Opens a machine file, creating it when it does not exist yet (its folder must).
 *
 * - A new file is built under a temporary name and linked into place complete, so no process ever sees a
 *   half-made machine: not one killed while creating it, not one racing to create the same file.
 * - An existing file is identified from its header bytes before SQLite touches it: an empty file, random
 *   bytes, a truncated file or another program's SQLite file is refused without a byte or a side file changed.
 * - A file written by a newer schema is refused; an older one is migrated in one transaction.
 * - A file (or folder) without write permission opens read-only, even for root (decided: the permission is
 *   the user's way of protecting it); reading works, writing is refused.
 */
export async function openStore(file: string, options: OpenOptions = {}): Promise<Store> {
  const path = resolve(file);
  const kysely = options.kysely !== false;
  if (existsSync(path)) return openExisting(file, path, false, kysely);
  if (options.create === false) throw new StoreError('cannot-open', `${file}: no such machine file`);
  const created = await createFile(file, path, options.initialise);
  return openExisting(file, path, created, kysely);
}

/** Write permission as the user meant it: the access check, and at least one write bit (root ignores the bits). */
function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return (statSync(path).mode & 0o222) !== 0;
  } catch {
    return false;
  }
}

const SIDE_FILES = ['-wal', '-shm', '-journal'] as const;

/** Builds a new machine file beside `path` and links it into place; false when another process got there first. */
async function createFile(file: string, path: string, initialise: OpenOptions['initialise']): Promise<boolean> {
  const dir = dirname(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new StoreError('no-directory', `${file}: the folder ${dir} does not exist`);
  if (!writable(dir)) throw new StoreError('read-only', `${file}: cannot create the machine file: the folder ${dir} is read-only`);

  removeAbandoned(dir, basename(path));
  const temp = join(dir, `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.new`);
  try {
    const sqlite = connect(file, temp, false);
    const store = storeOver(file, sqlite, { created: true, readOnly: undefined }, await kyselyOver(sqlite));
    try {
      await store.write(async () => {
        sqlite.pragma(`application_id = ${APPLICATION_ID}`);
        await migrate(store.db, file);
        await initialise?.(store);
      });
    } finally {
      // Closing the only connection checkpoints the WAL into the file and deletes it.
      await store.close();
    }
    try {
      const fd = openSync(temp, 'r+');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      return publish(temp, path);
    } catch (error) {
      throw new StoreError('cannot-open', `${file}: cannot create the machine file (${(error as Error).message})`);
    }
  } finally {
    for (const name of [temp, ...SIDE_FILES.map((side) => temp + side)]) rmSync(name, { force: true });
  }
}

/** Temporary files of creators that were killed before they could clean up (their process is gone). */
function removeAbandoned(dir: string, name: string): void {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const temporary = new RegExp(`^\\.${escaped}\\.(\\d+)-[0-9a-f]{8}\\.new(-wal|-shm|-journal)?$`);
  for (const entry of readdirSync(dir)) {
    const match = temporary.exec(entry);
    if (match && !isRunning(Number(match[1]))) rmSync(join(dir, entry), { force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Puts the finished file under its name unless one is there already (a hard link never replaces a file). */
function publish(temp: string, path: string): boolean {
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // A file system without hard links: an exclusive copy still never replaces another process's file.
    try {
      copyFileSync(temp, path, constants.COPYFILE_EXCL);
      return true;
    } catch (copyError) {
      if ((copyError as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw copyError;
    }
  }
}

/** Why an existing machine file cannot be written, or undefined when it can. */
function readOnlyReason(path: string): string | undefined {
  const dir = dirname(path);
  return !writable(path) ? `no write permission on ${path}` : !writable(dir) ? `no write permission on its folder ${dir}` : undefined;
}

/** Identifies an existing file and connects to it: read-write, or read-only without side files (see below). */
function connectExisting(file: string, path: string): { sqlite: BetterSqlite3.Database; readOnly: string | undefined } {
  if (statSync(path).isDirectory()) throw new StoreError('cannot-open', `${file}: is a folder, not a machine file`);
  checkHeader(file, path);
  const readOnly = readOnlyReason(path);
  return { sqlite: readOnly === undefined ? connect(file, path, true) : connectReadOnly(file, path, readOnly), readOnly };
}

/**
 * A bare SQLite connection to an existing machine file for reading it whole (a copy), with the same care as
 * `openStore`: refused unless it is a machine, no side file left beside a read-only file. The caller closes it.
 */
export function connectForReading(file: string): BetterSqlite3.Database {
  const path = resolve(file);
  if (!existsSync(path)) throw new StoreError('cannot-open', `${file}: no such machine file`);
  return connectExisting(file, path).sqlite;
}

async function openExisting(file: string, path: string, created: boolean, kysely: boolean): Promise<Store> {
  const { sqlite, readOnly } = connectExisting(file, path);
  let store: Store | undefined;
  try {
    store = storeOver(file, sqlite, { created, readOnly }, kysely ? await kyselyOver(sqlite) : undefined);
    const schema = schemaState(file, sqlite);
    if (schema === 'older') {
      if (sqlite.readonly) throw new StoreError('read-only', `${file}: written by an older regiis-sim and needs upgrading, but it is read-only (${readOnly})`);
      // All pending migrations and their records commit together, or none does. A read-only file is upgraded
      // in its in-memory copy only.
      const db = kysely ? store.db : await kyselyOver(sqlite);
      await transaction(sqlite, 'begin immediate')(() => migrate(db, file));
    }
  } catch (error) {
    if (store) await store.close();
    else if (sqlite.open) sqlite.close();
    throw error;
  }
  return store;
}

function connect(file: string, path: string, mustExist: boolean): BetterSqlite3.Database {
  try {
    const sqlite = new BetterSqlite3(path, { fileMustExist: mustExist, timeout: BUSY_TIMEOUT_MS });
    // The busy timeout comes first: switching to WAL and the first reads may wait for another process.
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // 8 KB pages for a new file (before WAL fixes the page size): a 4.0 ScriptMaps list (4.6 KB) then fits
    // in its row's page instead of spilling to an overflow page.
    if (!mustExist) sqlite.pragma(`page_size = ${PAGE_SIZE}`);
    if (sqlite.pragma('journal_mode', { simple: true }) !== 'wal') sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('synchronous = NORMAL');
    return sqlite;
  } catch (error) {
    throw new StoreError('cannot-open', `${file}: cannot open the machine file (${(error as Error).message})`);
  }
}

/**
 * A read-only view. SQLite cannot read a WAL file without creating `-shm` and `-wal` beside it, which a
 * read-only folder forbids and a read-only file should not get: so the file is read into memory (its header
 * marked as a rollback-journal database, which is what SQLite needs to load it) and never touched again.
 * When a crash left committed changes in a `-wal` file, only SQLite can apply them: it reads the file there.
 */
function connectReadOnly(file: string, path: string, why: string): BetterSqlite3.Database {
  try {
    if (sizeOf(path + '-wal') > 0) {
      const sqlite = new BetterSqlite3(path, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
      sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      return sqlite;
    }
    const image = readFileSync(path);
    image[18] = 1;
    image[19] = 1;
    return new BetterSqlite3(image);
  } catch (error) {
    throw new StoreError('read-only', `${file}: cannot read the machine file, which is read-only (${why}): ${(error as Error).message}`);
  }
}

const sizeOf = (path: string): number => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

const SQLITE_MAGIC = 'SQLite format 3\0';

/**
 * Identifies the file from its 100-byte SQLite header (https://www.sqlite.org/fileformat.html), without
 * opening it: its magic string, its application id, and whether it is shorter than its header says.
 */
function checkHeader(file: string, path: string): void {
  const size = statSync(path).size;
  if (size === 0) throw new StoreError('not-a-machine', `${file}: the file is empty, not a regiis-sim machine`);
  const header = Buffer.alloc(100);
  const fd = openSync(path, 'r');
  let read: number;
  try {
    read = readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (read < 100 || header.subarray(0, 16).toString('latin1') !== SQLITE_MAGIC) {
    throw new StoreError('not-a-machine', `${file}: not a regiis-sim machine (not a SQLite file)`);
  }
  if (header.readUInt32BE(68) !== APPLICATION_ID) {
    throw new StoreError('not-a-machine', `${file}: not a regiis-sim machine (another program's SQLite file)`);
  }
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  const pages = header.readUInt32BE(28);
  // The page count is valid when the change counter matches "version-valid-for". With a -wal file holding
  // frames, a checkpoint may have been interrupted with the file not yet grown: SQLite recovers that itself.
  // Another process may be checkpointing while we look: read the header, then the -wal file, then the size,
  // in that order, so that a checkpoint that was under way when the header was read has either left its
  // -wal file (we skip the check) or finished growing the file before removing it.
  const countValid = header.readUInt32BE(24) === header.readUInt32BE(92);
  if (countValid && sizeOf(path + '-wal') === 0 && statSync(path).size < pages * pageSize) {
    throw new StoreError('damaged', `${file}: the machine file is damaged: it is truncated (${statSync(path).size} bytes, its header says ${pages * pageSize})`);
  }
}

/** Whether the file's schema is this program's, older (migrations pending) or newer (refused). */
function schemaState(file: string, sqlite: BetterSqlite3.Database): 'current' | 'older' {
  try {
    const known = new Set(Object.keys(MIGRATIONS));
    const hasTable = sqlite.prepare(`select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'`).get();
    const applied = hasTable ? (sqlite.prepare('select name from kysely_migration order by name').all() as { name: string }[]) : [];
    const unknown = applied.filter((row) => !known.has(row.name));
    if (unknown.length > 0) {
      throw new StoreError(
        'newer-schema',
        `${file}: written by a newer version of regiis-sim (schema ${unknown[unknown.length - 1]!.name}); upgrade regiis-sim to open it`,
      );
    }
    return applied.length === known.size ? 'current' : 'older';
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError('damaged', `${file}: the machine file is damaged (${(error as Error).message})`);
  }
}

/** Transactions on the raw connection (Kysely, when there is one, runs on the same connection, inside them). */
function transaction(sqlite: BetterSqlite3.Database, begin: 'begin' | 'begin immediate') {
  return async <T>(work: () => Promise<T>): Promise<T> => {
    sqlite.exec(begin);
    let result: T;
    try {
      result = await work();
    } catch (error) {
      if (sqlite.inTransaction) sqlite.exec('rollback');
      throw error;
    }
    if (begin === 'begin') {
      // A read only releases its snapshot: what it read stands even when SQLite, having met a damaged page
      // (doctor reads those on purpose), refuses the COMMIT.
      try {
        if (sqlite.inTransaction) sqlite.exec('commit');
      } catch {
        if (sqlite.inTransaction) sqlite.exec('rollback');
      }
      return result;
    }
    try {
      sqlite.exec('commit');
    } catch (error) {
      if (sqlite.inTransaction) sqlite.exec('rollback');
      throw error;
    }
    return result;
  };
}

/** A Kysely instance over an open connection, Kysely loaded on demand. */
async function kyselyOver(sqlite: BetterSqlite3.Database): Promise<Kysely<Database>> {
  const { Kysely, SqliteDialect } = await import('kysely');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  linkRaw(db, sqlite);
  return db;
}

function storeOver(file: string, sqlite: BetterSqlite3.Database, facts: { created: boolean; readOnly: string | undefined }, made: Kysely<Database> | undefined): Store {
  const write = transaction(sqlite, 'begin immediate');
  let db = made;
  return {
    file,
    get db(): Kysely<Database> {
      if (!db) throw new Error('internal: this store was opened without Kysely (openStore { kysely: false }): use store.sqlite, or await store.kysely()');
      return db;
    },
    kysely: async () => (db ??= await kyselyOver(sqlite)),
    sqlite,
    ...facts,
    write: facts.readOnly === undefined ? write : async () => {
      throw new StoreError('read-only', `${file}: the machine file is read-only (${facts.readOnly}); this command would change it`);
    },
    read: transaction(sqlite, 'begin'),
    // Kysely's destroy only closes the connection if Kysely ever ran a query on it: close it here.
    close: async () => {
      if (db) await db.destroy();
      if (sqlite.open) sqlite.close();
    },
  };
}

async function migrate(db: Kysely<Database>, file: string): Promise<void> {
  const { Migrator } = await import('kysely');
  const migrator = new Migrator({ db, provider: new ListedMigrations() });
  const { error } = await migrator.migrateToLatest();
  if (error) throw new StoreError('cannot-open', `${file}: cannot bring the schema up to date (${(error as Error).message})`);
}
