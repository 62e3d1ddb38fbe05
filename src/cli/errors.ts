import { CommandError } from '../app/errors.js';
import { StoreError } from '../store/errors.js';
import type { Io } from './io.js';

/**
 * The one place that turns errors into messages and exit codes: every expected error is one line on stderr
 * and exit 1; anything else is reported as an internal error, still without a stack trace unless
 * REGIIS_DEBUG is set.
 */
export function reportError(io: Io, program: string, error: unknown): 1 {
  if (error instanceof CommandError || error instanceof StoreError) {
    io.err(`${program}: ${error.message}\n`);
  } else if (isSqliteError(error)) {
    io.err(`${program}: the machine file cannot be used: ${sqliteMessage(error)}\n`);
  } else {
    io.err(`${program}: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (io.env.REGIIS_DEBUG && error instanceof Error && error.stack) io.err(`${error.stack}\n`);
  }
  return 1;
}

function isSqliteError(error: unknown): error is Error & { code: string } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string' && (error as unknown as { code: string }).code.startsWith('SQLITE_');
}

function sqliteMessage(error: Error & { code: string }): string {
  if (error.code === 'SQLITE_BUSY') return 'another process held it locked for too long (try again)';
  if (error.code.startsWith('SQLITE_READONLY')) return 'it is read-only';
  if (error.code.startsWith('SQLITE_CORRUPT')) return 'it is damaged (metabase doctor shows what is wrong)';
  if (error.code === 'SQLITE_NOTADB') return 'it is damaged or not a regiis-sim machine';
  return `${error.message} (${error.code})`;
}
