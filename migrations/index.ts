import type { Migration } from 'kysely';

/**
 * Every migration, by name; names sort in the order they apply. Listed here rather than read from the folder
 * so that they load the same way compiled and under the test runner, and loaded only when a file needs
 * migrating: they import Kysely, which a run on an up-to-date file does without.
 */
export const MIGRATIONS: Readonly<Record<string, () => Promise<Migration>>> = {
  '2026_11_21_001_machine': () => import('./2026_11_21_001_machine.js'),
  '2026_11_21_010_runtime': () => import('./2026_11_21_010_runtime.js'),
  '2026_11_21_020_snapshots': () => import('./2026_11_21_020_snapshots.js'),
  '2026_11_21_030_perf': () => import('./2026_11_21_030_perf.js'),
  '2026_11_22_001_metabase_xml': () => import('./2026_11_22_001_metabase_xml.js'),
  '2026_11_22_002_snapshot_xml': () => import('./2026_11_22_002_snapshot_xml.js'),
  '2026_11_22_003_shared_values': () => import('./2026_11_22_003_shared_values.js'),
  '2026_11_22_004_properties_by_name': () => import('./2026_11_22_004_properties_by_name.js'),
};
