import type { Generated, Selectable } from 'kysely';

/** Row types of the machine file. Rows are not domain types: `rows.ts` maps between the two. */
export interface MachineTable {
  id: number;
  profile: string;
  os: string;
  windir: string;
  setup_log_counter: number;
  state_service: string | null;
  perf_counters: string | null;
  aspnet_account: number;
  created_at: string;
  /** The `xmlns` of an imported MetaBase.xml; null: IIS 6's. */
  xml_namespace: string | null;
}

export interface KeyTable {
  id: Generated<number>;
  path: string;
  path_lc: string;
  parent_id: number | null;
  key_type: string;
  ord: number;
  /** JSON array of the XML comments MetaBase.xml had before the key; null when none. */
  xml_comments: string | null;
}

export interface PropertyTable {
  key_id: number;
  name_lc: string;
  name: string;
  ord: number;
  prop_id: number | null;
  data_type: string | null;
  user_type: string | null;
  attributes: string | null;
  /** The value's text, or null when it is a shared value (`shared-values.ts`): exactly one of the two is set. */
  value: string | null;
  shared_id: number | null;
  /** How MetaBase.xml held it (`rows.ts`); null for a property the program made. */
  xml_form: string | null;
}

/** A long value, stored once and referred to by property rows (migration 2026_11_22_003). */
export interface SharedValueTable {
  id: Generated<number>;
  /** SHA-256 of `value`, the identity writers look a value up by. */
  digest: Buffer;
  value: string;
}

export interface FrameworkTable {
  version: string;
  installed: number;
  registered: number;
  isapi_present: number;
}

export interface DirectoryTable {
  path_lc: string;
  path: string;
}

export interface GrantTable {
  id: Generated<number>;
  principal: string;
  version: string;
}

export interface WorkerProcessTable {
  id: Generated<number>;
  image: string;
  pool: string | null;
  clr: string | null;
  started_at: string;
}

export interface AppDomainTable {
  worker_id: number;
  app_path_lc: string;
  app_path: string;
  clr: string;
  started_at: string;
}

/** A change made without a restart to an application of a worker's pool (migration 010). */
export interface WorkerOutdatedTable {
  worker_id: number;
  app_path: string;
  command: string;
  time: string;
}

export interface WorkerCounterTable {
  id: number;
  last_id: number;
}

export interface AppEventTable {
  seq: Generated<number>;
  time: string;
  source: string;
  event_id: number;
  type: string;
  text: string;
}

export interface AuditTable {
  seq: Generated<number>;
  time: string;
  run: number;
  kind: string;
  text: string;
}

/** A named snapshot: the `machine` row as it was, and when it was taken. Its rows live in `snapshot_*`. */
export type SnapshotTable = Omit<MachineTable, 'id'> & {
  id: Generated<number>;
  name: string;
  name_lc: string;
  taken_at: string;
};

/** The copy of a machine table in a snapshot: the same row, under the snapshot's id. */
type InSnapshot<T> = { snapshot_id: number } & { [K in keyof T]: T[K] extends Generated<infer V> ? V : T[K] };

export interface Database {
  machine: MachineTable;
  mb_key: KeyTable;
  mb_property: PropertyTable;
  mb_shared_value: SharedValueTable;
  framework: FrameworkTable;
  directory: DirectoryTable;
  grant_entry: GrantTable;
  worker_process: WorkerProcessTable;
  app_domain: AppDomainTable;
  worker_outdated: WorkerOutdatedTable;
  worker_counter: WorkerCounterTable;
  app_event: AppEventTable;
  audit_entry: AuditTable;
  snapshot: SnapshotTable;
  snapshot_key: InSnapshot<KeyTable>;
  snapshot_property: InSnapshot<PropertyTable>;
  snapshot_framework: InSnapshot<FrameworkTable>;
  snapshot_directory: InSnapshot<DirectoryTable>;
  snapshot_grant: InSnapshot<GrantTable>;
  snapshot_worker: InSnapshot<WorkerProcessTable>;
  snapshot_app_domain: InSnapshot<AppDomainTable>;
  snapshot_worker_outdated: InSnapshot<WorkerOutdatedTable>;
}

export type KeyRow = Selectable<KeyTable>;
export type PropertyRow = Selectable<PropertyTable>;
export type AppEventRow = Selectable<AppEventTable>;
export type AuditRow = Selectable<AuditTable>;
export type SnapshotRow = Selectable<SnapshotTable>;
