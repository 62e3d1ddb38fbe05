import type { Kysely } from 'kysely';
import { Metabase, type MetabaseKey } from '../metabase/metabase.js';
import { parentPath, pathKey } from '../metabase/paths.js';
import type { Change, FrameworkState, MachineState, Os } from '../machine/machine.js';
import type { FrameworkVersion } from '../regiis/frameworks.js';
import type { Database } from './schema.js';
import { commentsToText, isStringList, propertyToRow, rowToProperty, textToComments } from './rows.js';
import { StoreError } from './errors.js';

/** A machine read from the file, with the row ids of its keys so that changes can be written back. */
export interface LoadedMachine {
  readonly state: MachineState;
  readonly keyIds: Map<string, number>;
}

/** Rows per multi-row INSERT: well under SQLite's limit of bound parameters. */
const CHUNK = 500;

function* chunks<T>(items: readonly T[], size = CHUNK): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

export async function hasMachine(db: Kysely<Database>): Promise<boolean> {
  return (await db.selectFrom('machine').select('id').executeTakeFirst()) !== undefined;
}

/** Reads the whole machine. */
export async function loadMachine(db: Kysely<Database>): Promise<LoadedMachine> {
  const machine = await db.selectFrom('machine').selectAll().executeTakeFirst();
  if (!machine) throw new StoreError('not-a-machine', 'the file holds no machine (it was never initialised)');
  const keyRows = await db.selectFrom('mb_key').select(['id', 'path', 'key_type', 'xml_comments']).orderBy('ord').execute();
  const propRows = await db
    .selectFrom('mb_property')
    .select(['key_id', 'name', 'prop_id', 'data_type', 'user_type', 'attributes', 'value', 'xml_form'])
    .orderBy('key_id')
    .orderBy('ord')
    .execute();

  const props = new Map<number, MetabaseKey['properties']>();
  for (const row of propRows) {
    let map = props.get(row.key_id) as Map<string, ReturnType<typeof rowToProperty>> | undefined;
    if (!map) props.set(row.key_id, (map = new Map()));
    const where = () => `${row.name} at ${keyRows.find((k) => k.id === row.key_id)?.path ?? `#${row.key_id}`}`;
    if (row.data_type === 'MULTISZ' && !isStringList(row.value)) throw damaged(`${where()} is not a valid list`);
    map.set(row.name.toLowerCase(), readRow(() => rowToProperty(row), where));
  }
  const keyIds = new Map<string, number>();
  const metabase = new Metabase();
  for (const row of keyRows) {
    keyIds.set(pathKey(row.path), row.id);
    const comments = readRow(() => textToComments(row), () => `the comments of ${row.path}`);
    const properties = props.get(row.id) ?? new Map();
    metabase.put(comments ? { path: row.path, keyType: row.key_type, properties, comments } : { path: row.path, keyType: row.key_type, properties });
  }

  const frameworks = new Map<FrameworkVersion, FrameworkState>();
  for (const row of await db.selectFrom('framework').selectAll().execute()) {
    const version = row.version as FrameworkVersion;
    frameworks.set(version, { version, installed: row.installed === 1, registered: row.registered === 1, isapiPresent: row.isapi_present === 1 });
  }
  const directories = new Map<string, string>();
  for (const row of await db.selectFrom('directory').selectAll().orderBy('path_lc').execute()) directories.set(row.path_lc, row.path);
  const grants = (await db.selectFrom('grant_entry').select(['principal', 'version']).orderBy('id').execute()).map((row) => ({
    principal: row.principal,
    version: row.version as FrameworkVersion,
  }));

  return {
    keyIds,
    state: {
      profile: machine.profile,
      os: machine.os as Os,
      windir: machine.windir,
      metabase,
      frameworks,
      directories,
      services: {
        stateService: (machine.state_service ?? undefined) as FrameworkVersion | undefined,
        perfCounters: (machine.perf_counters ?? undefined) as FrameworkVersion | undefined,
        aspnetAccount: machine.aspnet_account === 1,
      },
      setupLogCounter: machine.setup_log_counter,
      grants,
    },
  };
}

const damaged = (what: string): StoreError =>
  new StoreError('damaged', `the machine file is damaged: ${what} (metabase doctor lists every problem)`);

/** Maps one row; a value the mapper cannot read means the file was damaged or edited by hand. */
function readRow<T>(map: () => T, where: () => string): T {
  try {
    return map();
  } catch (error) {
    throw damaged(`${where()} cannot be read (${(error as Error).message})`);
  }
}

/** Writes a whole machine into an empty file (a new profile). */
export async function insertMachine(db: Kysely<Database>, state: MachineState, createdAt: string): Promise<void> {
  await db
    .insertInto('machine')
    .values({
      id: 1,
      profile: state.profile,
      os: state.os,
      windir: state.windir,
      setup_log_counter: state.setupLogCounter,
      state_service: state.services.stateService ?? null,
      perf_counters: state.services.perfCounters ?? null,
      aspnet_account: state.services.aspnetAccount ? 1 : 0,
      created_at: createdAt,
    })
    .execute();
  await insertMetabase(db, state.metabase);
  for (const framework of state.frameworks.values()) await upsertFramework(db, framework);
  const dirs = [...state.directories].map(([path_lc, path]) => ({ path_lc, path }));
  for (const chunk of chunks(dirs)) await db.insertInto('directory').values(chunk).execute();
  const grants = state.grants.map((g) => ({ principal: g.principal, version: g.version }));
  for (const chunk of chunks(grants)) await db.insertInto('grant_entry').values(chunk).execute();
}

/**
 * Replaces the machine's state (metabase, frameworks, files, services, grants) with `state`, keeping its logs
 * and snapshots: `metabase generate` builds a new server into an existing file. The caller restarts the
 * runtime. Runs in the caller's transaction.
 */
export async function replaceMachine(db: Kysely<Database>, state: MachineState): Promise<void> {
  for (const table of ['framework', 'directory', 'grant_entry'] as const) await db.deleteFrom(table).execute();
  await db
    .updateTable('machine')
    .set({
      profile: state.profile,
      os: state.os,
      windir: state.windir,
      setup_log_counter: state.setupLogCounter,
      state_service: state.services.stateService ?? null,
      perf_counters: state.services.perfCounters ?? null,
      aspnet_account: state.services.aspnetAccount ? 1 : 0,
      xml_namespace: null,
    })
    .execute();
  await replaceMetabase(db, state.metabase);
  for (const framework of state.frameworks.values()) await upsertFramework(db, framework);
  const dirs = [...state.directories].map(([path_lc, path]) => ({ path_lc, path }));
  for (const chunk of chunks(dirs)) await db.insertInto('directory').values(chunk).execute();
}

/** Inserts every key of a metabase (into a file that holds none), with ids assigned in tree order. */
export async function insertMetabase(db: Kysely<Database>, metabase: Metabase): Promise<void> {
  await insertKeys(db, metabase.all(), new Map());
}

/** Replaces every key of the machine with those of `metabase` (an imported MetaBase.xml). */
export async function replaceMetabase(db: Kysely<Database>, metabase: Metabase): Promise<void> {
  await db.deleteFrom('mb_key').execute();
  await insertKeys(db, metabase.all(), new Map());
}

/**
 * Replaces the key at `path` and everything below it with `keys` (the first of which is the new key at
 * `path`, parents before children). The new key keeps the old one's place among its siblings.
 */
export async function replaceSubtree(db: Kysely<Database>, path: string, keys: Iterable<MetabaseKey>): Promise<void> {
  const id = pathKey(path);
  const old = await db.selectFrom('mb_key').select('ord').where('path_lc', '=', id).executeTakeFirst();
  // The key and every path that starts with it and a slash ('0' is the character after '/').
  await db
    .deleteFrom('mb_key')
    .where((eb) => eb.or([eb('path_lc', '=', id), eb.and([eb('path_lc', '>', `${id}/`), eb('path_lc', '<', `${id}0`)])]))
    .execute();
  const parent = parentPath(path);
  const ids = new Map<string, number>();
  if (parent !== undefined) {
    const row = await db.selectFrom('mb_key').select('id').where('path_lc', '=', pathKey(parent)).executeTakeFirst();
    if (row) ids.set(pathKey(parent), row.id);
  }
  await insertKeys(db, keys, ids, old?.ord);
}

/**
 * Inserts keys, parents before children, after the keys the file holds. `ids` maps the paths of keys already
 * in the file that are parents of inserted ones to their row ids; `firstOrd` places the first key.
 */
async function insertKeys(db: Kysely<Database>, source: Iterable<MetabaseKey>, ids: Map<string, number>, firstOrd?: number): Promise<void> {
  const last = await db
    .selectFrom('mb_key')
    .select((eb) => [eb.fn.max('id').as('id'), eb.fn.max('ord').as('ord')])
    .executeTakeFirst();
  const lastProp = await db.selectFrom('mb_property').select((eb) => eb.fn.max('ord').as('ord')).executeTakeFirst();
  let nextId = Number(last?.id ?? 0) + 1;
  let nextOrd = Number(last?.ord ?? 0) + 1;
  let propOrd = Number(lastProp?.ord ?? 0) + 1;
  const keys: { id: number; path: string; path_lc: string; parent_id: number | null; key_type: string; ord: number; xml_comments: string | null }[] = [];
  const props: ReturnType<typeof propertyToRow>[] = [];
  for (const key of source) {
    const id = nextId++;
    const ord = keys.length === 0 && firstOrd !== undefined ? firstOrd : nextOrd++;
    ids.set(pathKey(key.path), id);
    const parent = parentPath(key.path);
    keys.push({
      id,
      path: key.path,
      path_lc: pathKey(key.path),
      parent_id: parent === undefined ? null : (ids.get(pathKey(parent)) ?? null),
      key_type: key.keyType,
      ord,
      xml_comments: commentsToText(key),
    });
    for (const prop of key.properties.values()) props.push(propertyToRow(id, prop, propOrd++));
  }
  for (const chunk of chunks(keys)) await db.insertInto('mb_key').values(chunk).execute();
  for (const chunk of chunks(props)) await db.insertInto('mb_property').values(chunk).execute();
}

/** The namespace an imported MetaBase.xml gave `<configuration>`; undefined: IIS 6's. */
export async function readXmlNamespace(db: Kysely<Database>): Promise<string | undefined> {
  const row = await db.selectFrom('machine').select('xml_namespace').executeTakeFirst();
  return row?.xml_namespace ?? undefined;
}

export async function writeXmlNamespace(db: Kysely<Database>, namespace: string | undefined): Promise<void> {
  await db.updateTable('machine').set({ xml_namespace: namespace ?? null }).execute();
}

async function upsertFramework(db: Kysely<Database>, f: FrameworkState): Promise<void> {
  const row = { version: f.version, installed: f.installed ? 1 : 0, registered: f.registered ? 1 : 0, isapi_present: f.isapiPresent ? 1 : 0 };
  await db
    .insertInto('framework')
    .values(row)
    .onConflict((oc) => oc.column('version').doUpdateSet({ installed: row.installed, registered: row.registered, isapi_present: row.isapi_present }))
    .execute();
}

/**
 * Writes a run's changes, in order. Consecutive property changes are batched into multi-row statements, so a
 * run that rewrites thousands of lists costs a handful of statements.
 */
export async function applyChanges(db: Kysely<Database>, loaded: LoadedMachine, changes: readonly Change[]): Promise<void> {
  const { keyIds } = loaded;
  let nextOrd = await nextOrdinal(db);
  let pending: Change[] = [];
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    // Net effect per property: the last change wins.
    type PropertyChange = Extract<Change, { kind: 'setProperty' | 'deleteProperty' }>;
    const last = new Map<string, PropertyChange>();
    for (const change of pending as PropertyChange[]) {
      const name = change.kind === 'setProperty' ? change.after.name : change.before.name;
      last.set(`${pathKey(change.path)}\0${name.toLowerCase()}`, change);
    }
    const upserts = [];
    const deletes: { key_id: number; name_lc: string }[] = [];
    for (const change of last.values()) {
      const keyId = keyIds.get(pathKey(change.path));
      if (keyId === undefined) throw new Error(`internal: no row for key ${change.path}`);
      if (change.kind === 'setProperty') upserts.push(propertyToRow(keyId, change.after, nextOrd++));
      else deletes.push({ key_id: keyId, name_lc: change.before.name.toLowerCase() });
    }
    for (const chunk of chunks(upserts)) {
      await db
        .insertInto('mb_property')
        .values(chunk)
        .onConflict((oc) =>
          oc.columns(['key_id', 'name_lc']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), data_type: eb.ref('excluded.data_type') })),
        )
        .execute();
    }
    for (const row of deletes) {
      await db.deleteFrom('mb_property').where('key_id', '=', row.key_id).where('name_lc', '=', row.name_lc).execute();
    }
    pending = [];
  };

  // Consecutive new directories too: an import can create one for each of thousands of sites.
  let dirs: { path_lc: string; path: string }[] = [];
  const flushDirs = async (): Promise<void> => {
    for (const chunk of chunks(dirs)) await db.insertInto('directory').values(chunk).onConflict((oc) => oc.doNothing()).execute();
    dirs = [];
  };

  for (const change of changes) {
    if (change.kind === 'mkdir') {
      await flush();
      dirs.push({ path_lc: change.path.toLowerCase(), path: change.path });
      continue;
    }
    await flushDirs();
    if (change.kind === 'setProperty' || change.kind === 'deleteProperty') {
      pending.push(change);
      continue;
    }
    await flush();
    switch (change.kind) {
      case 'createKey': {
        const parent = parentPath(change.path);
        const parentId = parent === undefined ? null : (keyIds.get(pathKey(parent)) ?? null);
        const ordRow = await db.selectFrom('mb_key').select((eb) => eb.fn.max('ord').as('ord')).executeTakeFirst();
        const inserted = await db
          .insertInto('mb_key')
          .values({ path: change.path, path_lc: pathKey(change.path), parent_id: parentId, key_type: change.keyType, ord: Number(ordRow?.ord ?? 0) + 1 })
          .returning('id')
          .executeTakeFirstOrThrow();
        keyIds.set(pathKey(change.path), inserted.id);
        break;
      }
      case 'deleteKey': {
        const prefix = pathKey(change.path);
        await db.deleteFrom('mb_key').where('path_lc', '=', prefix).execute();
        for (const id of [...keyIds.keys()]) if (id === prefix || id.startsWith(prefix + '/')) keyIds.delete(id);
        break;
      }
      case 'framework':
        await upsertFramework(db, change.after);
        break;
      case 'rmdir':
        await db.deleteFrom('directory').where('path_lc', '=', change.path.toLowerCase()).execute();
        break;
      case 'services':
        await db
          .updateTable('machine')
          .set({
            state_service: change.after.stateService ?? null,
            perf_counters: change.after.perfCounters ?? null,
            aspnet_account: change.after.aspnetAccount ? 1 : 0,
          })
          .execute();
        break;
      case 'windir':
        await db.updateTable('machine').set({ windir: change.after }).execute();
        break;
      case 'setupLog':
        await db.updateTable('machine').set({ setup_log_counter: change.next }).execute();
        break;
      case 'grant':
        await db.insertInto('grant_entry').values({ principal: change.user, version: change.version }).execute();
        break;
    }
  }
  await flushDirs();
  await flush();
}

async function nextOrdinal(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('mb_property').select((eb) => eb.fn.max('ord').as('ord')).executeTakeFirst();
  return Number(row?.ord ?? 0) + 1;
}
