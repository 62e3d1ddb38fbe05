import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { rawOf } from './raw.js';
import type { Problem } from '../machine/doctor.js';
import { parentPath, pathKey } from '../metabase/paths.js';
import type { Database } from './schema.js';
import { isStringList } from './rows.js';

/**
 * `metabase doctor`, the file's half: SQLite's own checks, and the row-level invariants the repositories rely
 * on (a key's parent link, lower-case identities, MULTISZ values as JSON lists). Runs in the caller's read
 * transaction.
 */
export async function storeProblems(db: Kysely<Database>): Promise<Problem[]> {
  const problems: Problem[] = [];
  const error = (code: string, key: string | undefined, text: string) => problems.push({ severity: 'error', code, key, text });

  // SQLite's checks report what they find, or give up with an error on a page they cannot even read.
  try {
    const integrity = rawOf(db).prepare('pragma integrity_check').all() as { integrity_check: string }[];
    for (const row of integrity) if (row.integrity_check !== 'ok') error('integrity', undefined, `SQLite integrity check: ${row.integrity_check}`);
  } catch (failure) {
    error('integrity', undefined, `SQLite integrity check failed: ${(failure as Error).message}`);
  }
  try {
    const foreign = rawOf(db).prepare('pragma foreign_key_check').all() as { table: string; rowid: number | null; parent: string }[];
    for (const row of foreign) {
      error('foreign-key', undefined, `a ${row.table} row${row.rowid === null ? '' : ` (rowid ${row.rowid})`} refers to a ${row.parent} row that does not exist`);
    }
  } catch (failure) {
    error('foreign-key', undefined, `SQLite foreign key check failed: ${(failure as Error).message}`);
  }
  // The rest reads every table: on a damaged file it would only fail again.
  if (problems.some((p) => p.code === 'integrity')) return problems;

  const machines = await db.selectFrom('machine').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  if (Number(machines.n) === 0) error('no-machine', undefined, 'the file holds no machine (metabase init --force makes one)');

  const keys = await db.selectFrom('mb_key').select(['id', 'path', 'path_lc', 'parent_id', 'xml_comments']).execute();
  const byPath = new Map(keys.map((k) => [k.path_lc, k]));
  const byId = new Map(keys.map((k) => [k.id, k]));
  for (const key of keys) {
    if (key.path_lc !== pathKey(key.path)) error('key-identity', key.path, `its case-insensitive identity is ${JSON.stringify(key.path_lc)}`);
    if (key.xml_comments !== null && !isStringList(key.xml_comments)) error('bad-comments', key.path, 'the XML comments kept before it are not a list of strings');
    const parent = parentPath(key.path);
    const expected = parent === undefined || parent === '/' ? undefined : byPath.get(pathKey(parent));
    if (parent !== undefined && parent !== '/' && expected === undefined) continue; // an orphan: the machine check names it
    if ((key.parent_id ?? undefined) !== expected?.id) {
      const actual = key.parent_id === null ? 'no key' : (byId.get(key.parent_id)?.path ?? `missing key #${key.parent_id}`);
      error('parent-link', key.path, `its parent link points at ${actual} instead of ${expected?.path ?? 'no key'}: deleting its parent would leave it behind`);
    }
  }

  // A shared value is found again by its digest: one whose text was edited would stand in for another text.
  const shared = new Map<number, string>();
  for (const row of await db.selectFrom('mb_shared_value').select(['id', 'digest', 'value']).execute()) {
    shared.set(row.id, row.value);
    if (!createHash('sha256').update(row.value, 'utf8').digest().equals(row.digest)) {
      error('shared-digest', undefined, `shared value #${row.id} no longer matches its digest: a property later set to the text it had would be given this one`);
    }
  }
  const listChecks = new Map<number, boolean>();
  const isList = (prop: { value: string | null; shared_id: number | null }): boolean => {
    if (prop.shared_id === null) return isStringList(prop.value ?? '');
    let ok = listChecks.get(prop.shared_id);
    if (ok === undefined) listChecks.set(prop.shared_id, (ok = isStringList(shared.get(prop.shared_id) ?? '[]')));
    return ok;
  };

  const props = await db.selectFrom('mb_property').select(['key_id', 'name', 'name_lc', 'data_type', 'value', 'shared_id', 'xml_form']).execute();
  for (const prop of props) {
    const key = byId.get(prop.key_id)?.path ?? `#${prop.key_id}`;
    if (prop.name_lc !== prop.name.toLowerCase()) error('property-identity', key, `property ${prop.name} is stored as ${JSON.stringify(prop.name_lc)}`);
    if (prop.data_type === 'MULTISZ' && !isList(prop)) error('bad-list', key, `${prop.name} is a MULTISZ property whose stored value is not a list of strings`);
    if (prop.xml_form !== null && !/^(attribute|custom( -(ID|Value|Type|UserType|Attributes))*)$/.test(prop.xml_form)) {
      error('bad-xml-form', key, `${prop.name} says it was written as ${JSON.stringify(prop.xml_form)} in MetaBase.xml, which is no form export knows`);
    }
  }

  const dirs = await db.selectFrom('directory').select(['path', 'path_lc']).execute();
  for (const dir of dirs) if (dir.path_lc !== dir.path.toLowerCase()) error('directory-identity', undefined, `directory ${dir.path} is stored as ${JSON.stringify(dir.path_lc)}`);
  return problems;
}
