import type { Migration } from 'kysely';
import * as machine from './2026_11_21_001_machine.js';
import * as runtime from './2026_11_21_010_runtime.js';
import * as snapshots from './2026_11_21_020_snapshots.js';
import * as perf from './2026_11_21_030_perf.js';
import * as metabaseXml from './2026_11_22_001_metabase_xml.js';
import * as snapshotXml from './2026_11_22_002_snapshot_xml.js';

/**
 * Every migration, by name; names sort in the order they apply. Listed here rather than read from the folder
 * so that they load the same way compiled and under the test runner.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '2026_11_21_001_machine': machine,
  '2026_11_21_010_runtime': runtime,
  '2026_11_21_020_snapshots': snapshots,
  '2026_11_21_030_perf': perf,
  '2026_11_22_001_metabase_xml': metabaseXml,
  '2026_11_22_002_snapshot_xml': snapshotXml,
};
