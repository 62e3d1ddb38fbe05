import type { Migration } from 'kysely';
import * as machine from './2026_11_21_001_machine.js';
import * as runtime from './2026_11_21_010_runtime.js';
import * as snapshots from './2026_11_21_020_snapshots.js';

/**
 * Every migration, by name; names sort in the order they apply. Listed here rather than read from the folder
 * so that they load the same way compiled and under the test runner.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '2026_11_21_001_machine': machine,
  '2026_11_21_010_runtime': runtime,
  '2026_11_21_020_snapshots': snapshots,
};
