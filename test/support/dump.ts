import { createHash } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';

/**
 * Everything a machine file holds, table by table, as sorted JSON lines: two files with the same dump hold
 * the same machine, logs and all. Opening the file read-write first replays a WAL a killed process left.
 */
export function dumpTables(file: string, skip: readonly string[] = []): Map<string, string> {
  const db = new BetterSqlite3(file, { fileMustExist: true });
  try {
    const tables = db.prepare(`select name from sqlite_master where type = 'table' order by name`).all() as { name: string }[];
    const dump = new Map<string, string>();
    for (const { name } of tables) {
      if (skip.includes(name)) continue;
      // JSON holds no BLOB (a shared value's digest): those go in as hex.
      const columns = (db.pragma(`table_info("${name}")`) as { name: string }[])
        .map(({ name: column }) => `iif(typeof("${column}") = 'blob', hex("${column}"), "${column}")`)
        .join(', ');
      // Rows as JSON, sorted, built inside SQLite: the logs of a large machine run to tens of megabytes.
      const rows = db.prepare(`select group_concat(r, char(10)) as rows from (select json_array(${columns}) as r from "${name}" order by r)`).get() as { rows: string | null };
      dump.set(name, rows.rows ?? '');
    }
    return dump;
  } finally {
    db.close();
  }
}

export function hashDump(dump: Map<string, string>): string {
  const hash = createHash('sha256');
  for (const [table, rows] of dump) hash.update(`${table}\n${rows}\n`);
  return hash.digest('hex');
}

/** The tables whose rows differ between two dumps (for a readable failure). */
export function differingTables(a: Map<string, string>, b: Map<string, string>): string[] {
  const names = new Set([...a.keys(), ...b.keys()]);
  return [...names].filter((name) => a.get(name) !== b.get(name));
}

/** `PRAGMA integrity_check` and `foreign_key_check`: 'ok' and no rows on a sound file. */
export function checkIntegrity(file: string): { integrity: string; foreignKeys: unknown[] } {
  const db = new BetterSqlite3(file, { fileMustExist: true });
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
    return { integrity, foreignKeys: db.pragma('foreign_key_check') as unknown[] };
  } finally {
    db.close();
  }
}

/** Every row of every table of a machine file, logs included, as one comparable text. */
export function dump(file: string): string {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`).all() as { name: string }[];
    return tables
      .map(({ name }) => `${name}\n${JSON.stringify(db.prepare(`select * from "${name}" order by 1, 2`).all())}`)
      .join('\n');
  } finally {
    db.close();
  }
}
