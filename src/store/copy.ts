import { resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { StoreError } from './errors.js';
import { connectForReading } from './open.js';

/**
 * Copies a machine file to a new file without writing to the original: a connection that only reads it (the
 * file identified by its header first, read from memory when it is read-only, so no side file is left beside
 * it) and SQLite's `VACUUM INTO` (a consistent copy, even while another process writes). A scenario works on
 * such a copy so that it never changes the `--db` file.
 */
export function copyMachineFile(source: string, dest: string): void {
  let db: BetterSqlite3.Database | undefined;
  try {
    db = connectForReading(source);
    db.prepare('vacuum into ?').run(resolve(dest));
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError('cannot-open', `${source}: cannot copy the machine file (${(error as Error).message})`);
  } finally {
    db?.close();
  }
}
