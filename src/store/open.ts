import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, type Migration, type MigrationProvider, Migrator, SqliteDialect, sql } from 'kysely';
import { MIGRATIONS } from '../../migrations/index.js';
import type { Database } from './schema.js';
import { StoreError } from './errors.js';

/** Marks a SQLite file as a regiis-sim machine (`PRAGMA application_id`, "RGIS"). */
export const APPLICATION_ID = 0x52474953;
const BUSY_TIMEOUT_MS = 10_000;

export interface Store {
  readonly file: string;
  readonly db: Kysely<Database>;
  /** True when this open created the file: the caller fills it with a profile. */
  readonly created: boolean;
  /** Runs `work` in one write transaction, begun as a writer so concurrent runs queue on the busy timeout. */
  write<T>(work: () => Promise<T>): Promise<T>;
  /** Runs `work` in one read transaction: a consistent view, no lock held against writers. */
  read<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

class ListedMigrations implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return { ...MIGRATIONS };
  }
}

/**
 * Opens a machine file, creating it when it does not exist yet (its folder must). A file that is not a
 * regiis-sim machine, or that a newer schema wrote, is refused before anything is written to it.
 */
export async function openStore(file: string, options: { readonly create?: boolean } = {}): Promise<Store> {
  const path = resolve(file);
  const exists = existsSync(path);
  let upToDate = false;
  if (!exists) {
    if (options.create === false) throw new StoreError('cannot-open', `${file}: no such machine file`);
    if (!existsSync(dirname(path))) throw new StoreError('no-directory', `${file}: the folder ${dirname(path)} does not exist`);
  } else {
    upToDate = checkIdentity(file, path);
  }

  let sqlite: BetterSqlite3.Database;
  try {
    sqlite = new BetterSqlite3(path, { fileMustExist: exists });
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('synchronous = NORMAL');
  } catch (error) {
    throw new StoreError('cannot-open', `${file}: cannot open the machine file (${(error as Error).message})`);
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });

  const transaction = (begin: 'begin' | 'begin immediate') => async <T>(work: () => Promise<T>): Promise<T> => {
    await sql.raw(begin).execute(db);
    try {
      const result = await work();
      await sql`commit`.execute(db);
      return result;
    } catch (error) {
      if (sqlite.inTransaction) await sql`rollback`.execute(db);
      throw error;
    }
  };
  const write = transaction('begin immediate');
  const read = transaction('begin');

  try {
    // All pending migrations and their records commit together, or none does.
    if (!upToDate) {
      await write(async () => {
        if (!exists) sqlite.pragma(`application_id = ${APPLICATION_ID}`);
        await migrate(db, file);
      });
    }
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { file, db, created: !exists, write, read, close: () => db.destroy() };
}

/**
 * Reads the file's identity without writing to it (no WAL switch, no migration) and refuses strangers.
 * Returns whether its schema is already the latest.
 */
function checkIdentity(file: string, path: string): boolean {
  if (statSync(path).size === 0) throw new StoreError('not-a-machine', `${file}: the file is empty, not a regiis-sim machine`);
  let probe: BetterSqlite3.Database | undefined;
  try {
    probe = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
    const id = probe.pragma('application_id', { simple: true });
    if (id !== APPLICATION_ID) throw new StoreError('not-a-machine', `${file}: not a regiis-sim machine (another program's SQLite file)`);
    const known = new Set(Object.keys(MIGRATIONS));
    const hasTable = probe.prepare(`select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'`).get();
    const applied = hasTable ? (probe.prepare('select name from kysely_migration').all() as { name: string }[]) : [];
    const unknown = applied.filter((row) => !known.has(row.name));
    if (unknown.length > 0) {
      throw new StoreError(
        'newer-schema',
        `${file}: written by a newer version of regiis-sim (schema ${unknown[unknown.length - 1]!.name}); upgrade regiis-sim to open it`,
      );
    }
    return applied.length === known.size;
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError('not-a-machine', `${file}: not a regiis-sim machine (${(error as Error).message})`);
  } finally {
    probe?.close();
  }
}

async function migrate(db: Kysely<Database>, file: string): Promise<void> {
  const migrator = new Migrator({ db, provider: new ListedMigrations() });
  const { error } = await migrator.migrateToLatest();
  if (error) throw new StoreError('cannot-open', `${file}: cannot bring the schema up to date (${(error as Error).message})`);
}
