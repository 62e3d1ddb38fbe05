import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { StoreError } from './errors.js';
import { APPLICATION_ID } from './open.js';

/**
 * Copies a machine file to a new file without writing to the original: a read-only connection and SQLite's
 * `VACUUM INTO` (a consistent copy, even while another process writes). A scenario works on such a copy so
 * that it never changes the `--db` file.
 */
export function copyMachineFile(source: string, dest: string): void {
  const path = resolve(source);
  if (!existsSync(path)) throw new StoreError('cannot-open', `${source}: no such machine file`);
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
    if (db.pragma('application_id', { simple: true }) !== APPLICATION_ID) {
      throw new StoreError('not-a-machine', `${source}: not a regiis-sim machine (another program's SQLite file)`);
    }
    db.prepare('vacuum into ?').run(resolve(dest));
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError('cannot-open', `${source}: cannot copy the machine file (${(error as Error).message})`);
  } finally {
    db?.close();
  }
}
