import BetterSqlite3 from 'better-sqlite3';

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
