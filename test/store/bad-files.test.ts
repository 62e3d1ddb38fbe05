import { chmodSync, copyFileSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { beforeAll, describe, expect, onTestFinished } from 'vitest';
import { test, mb, regiis } from '../support/fixtures.js';
import { APPLICATION_ID, openStore } from '../../src/store/open.js';
import { hasMachine } from '../../src/store/machine-repo.js';
import { type Ran, tempDir } from '../support/console.js';
import { STACK_LINE, hashFile, isOneLine, listing } from '../support/files.js';

/**
 * Files the programs must refuse (truncated, random, another program's, newer) or treat with care (read-only):
 * each refusal is one line on stderr and exit 1, and the file and its folder are exactly as they were.
 */

/** Commands that read and commands that write, through both programs. */
const READERS: readonly (readonly string[])[] = [
  ['aspnet_regiis', '-lk'],
  ['aspnet_regiis', '-lv'],
  ['aspnet_regiis', '--what-if', '-r'],
  ['metabase', 'get', 'W3SVC/1/ROOT'],
  ['metabase', 'events'],
  ['metabase', 'tree'],
  ['metabase', 'check'],
  ['metabase', 'doctor'],
];
const WRITERS: readonly (readonly string[])[] = [
  ['aspnet_regiis', '-s', 'W3SVC/1/ROOT'],
  ['aspnet_regiis', '-ua'],
  ['metabase', 'pool', 'add', 'Pool2'],
  ['metabase', 'set', 'W3SVC/1/ROOT', 'AppFriendlyName', 'x'],
  ['metabase', 'snapshot', 'save', 'before'],
  ['metabase', 'iisreset'],
];
const ALL = [...READERS, ...WRITERS];

const require = createRequire(import.meta.url);

const call = (db: string, [program, ...args]: readonly string[]): Promise<Ran> => (program === 'aspnet_regiis' ? regiis(db, ...args) : mb(db, ...args));

/** A good machine file, made once, copied into each test's folder. */
let template: string;
beforeAll(async () => {
  const dir = tempDir((fn) => process.on('exit', fn));
  template = join(dir, 'template.db');
  const made = await mb(template, 'init');
  expect(made.exit, made.stderr).toBe(0);
});

function copyMachine(db: string): void {
  copyFileSync(template, db);
}

/** Runs every command against `db` and expects each to be refused cleanly, leaving the folder untouched. */
async function expectRefused(db: string, commands: readonly (readonly string[])[], mention: RegExp): Promise<void> {
  const dir = dirname(db);
  const before = listing(dir);
  const hash = hashFile(db);
  for (const command of commands) {
    const got = await call(db, command);
    const where = `${command.join(' ')}\n${got.stdout}${got.stderr}`;
    expect(got.exit, where).toBe(1);
    expect(isOneLine(got.stderr), where).toBe(true);
    expect(got.stderr, where).toMatch(new RegExp(`^${command[0]}: `));
    expect(got.stderr, where).toMatch(mention);
    expect(got.stderr + got.stdout, where).not.toMatch(STACK_LINE);
    expect(got.stdout, where).toBe('');
    expect(hashFile(db), where).toBe(hash);
    expect(listing(dir), where).toEqual(before);
  }
}

describe('files that are not a usable machine are refused and left untouched', () => {
  test('an empty file', async ({ db }) => {
    writeFileSync(db, '');
    await expectRefused(db, ALL, /empty/);
  });

  test('random bytes', async ({ db }) => {
    writeFileSync(db, randomBytes(64 * 1024));
    await expectRefused(db, ALL, /not a regiis-sim machine/);
  });

  test('a text file', async ({ db }) => {
    writeFileSync(db, 'SQLite format 3 is what this is not\n'.repeat(10));
    await expectRefused(db, ALL, /not a regiis-sim machine/);
  });

  for (const fraction of [0.25, 0.5, 0.9]) {
    test(`a machine file cut to ${fraction * 100}% of its size`, async ({ db }) => {
      copyMachine(db);
      truncateSync(db, Math.floor(statSync(db).size * fraction));
      await expectRefused(db, ALL, /damaged|truncated/);
    });
  }

  test('a machine file cut inside its header', async ({ db }) => {
    copyMachine(db);
    truncateSync(db, 60);
    await expectRefused(db, ALL, /not a regiis-sim machine|damaged|truncated/);
  });

  for (const journal of ['delete', 'wal'] as const) {
    test(`another program's SQLite file (journal ${journal})`, async ({ db }) => {
      const other = new BetterSqlite3(db);
      other.pragma(`journal_mode = ${journal}`);
      other.exec(`create table customer (id integer primary key, name text); insert into customer (name) values ('Contoso')`);
      other.close();
      await expectRefused(db, ALL, /another program's SQLite file/);
    });
  }

  test('an empty SQLite database another program made', async ({ db }) => {
    const other = new BetterSqlite3(db);
    other.pragma('user_version = 7');
    other.close();
    await expectRefused(db, ALL, /another program's SQLite file/);
  });

  test('a machine written by a newer version (a migration this program does not know)', async ({ db }) => {
    copyMachine(db);
    const raw = new BetterSqlite3(db);
    raw.prepare(`insert into kysely_migration (name, timestamp) values ('2099_01_01_000_future', '2099-01-01T00:00:00.000Z')`).run();
    raw.close();
    await expectRefused(db, ALL, /newer version of regiis-sim/);
  });

  test('a folder given as the file', async ({ db }) => {
    mkdirSync(db);
    const parent = dirname(db);
    const before = listing(parent);
    for (const command of ALL) {
      const got = await call(db, command);
      expect(got.exit, command.join(' ')).toBe(1);
      expect(isOneLine(got.stderr), got.stderr).toBe(true);
      expect(got.stderr).toMatch(/folder|directory/);
      expect(listing(parent)).toEqual(before);
      expect(listing(db)).toEqual([]);
    }
  });

  test('a path in a folder that does not exist', async ({ db }) => {
    const missing = join(dirname(db), 'no', 'such', 'folder', 'machine.db');
    for (const command of ALL) {
      const got = await call(missing, command);
      expect(got.exit, command.join(' ')).toBe(1);
      expect(isOneLine(got.stderr), got.stderr).toBe(true);
      // doctor never creates a file, so for it the file is simply missing.
      expect(got.stderr).toMatch(command[1] === 'doctor' ? /no such machine file/ : /does not exist/);
      expect(got.stderr).not.toMatch(STACK_LINE);
    }
    expect(listing(dirname(db))).toEqual([]);
  });
});

describe('read-only machine files (decided: read commands work, commands that change it are refused)', () => {
  /** chmod as root does not stop writes, so the program reads the permission bits itself. */
  function readOnly(path: string, mode: number): void {
    chmodSync(path, mode);
    onTestFinished(() => chmodSync(path, statSync(path).isDirectory() ? 0o755 : 0o644));
  }

  async function expectReadsWork(db: string): Promise<void> {
    const dir = dirname(db);
    const before = listing(dir);
    const hash = hashFile(db);
    const lk = await regiis(db, '-lk');
    expect(lk.exit, lk.stderr).toBe(0);
    expect(lk.stdout).toBe('W3SVC/\t1.1.4322.0\n');
    const lv = await regiis(db, '-lv');
    expect(lv.exit, lv.stderr).toBe(0);
    expect(lv.stdout).toContain('1.1.4322.0\tValid (Root)');
    const get = await mb(db, 'get', 'W3SVC/1/ROOT', 'AppPoolId');
    expect(get.exit, get.stderr).toBe(0);
    expect(get.stdout).toBe('DefaultAppPool\n');
    const whatIf = await regiis(db, '--what-if', '-s', 'W3SVC/1/ROOT');
    expect(whatIf.exit, whatIf.stderr).toBe(0);
    expect(whatIf.stdout).toContain('ScriptMaps');
    expect(hashFile(db)).toBe(hash);
    expect(listing(dir)).toEqual(before);
  }

  test('a file without write permission', async ({ db }) => {
    copyMachine(db);
    readOnly(db, 0o444);
    await expectReadsWork(db);
    await expectRefused(db, WRITERS, /read-only/);
  });

  test('a writable file in a folder without write permission', async ({ db }) => {
    copyMachine(db);
    readOnly(dirname(db), 0o555);
    await expectReadsWork(db);
    await expectRefused(db, WRITERS, /read-only/);
  });

  test('a read-only file whose last changes are still in its WAL (a crash, then chmod) shows them', async ({ db }) => {
    copyMachine(db);
    // A writer killed after its commit, before any checkpoint: the change lives in machine.db-wal only.
    const script = `const D = require(${JSON.stringify(require.resolve('better-sqlite3'))}); const d = new D(${JSON.stringify(db)});
      d.pragma('wal_autocheckpoint = 0'); d.exec("update mb_property set value = 'Changed' where name = 'ServerComment'");
      process.kill(process.pid, 'SIGKILL');`;
    spawnSync(process.execPath, ['-e', script]);
    expect(statSync(`${db}-wal`).size).toBeGreaterThan(0);
    readOnly(db, 0o444);
    const hash = hashFile(db);
    const got = await mb(db, 'get', 'W3SVC/1', 'ServerComment');
    expect(got.exit, got.stderr).toBe(0);
    expect(got.stdout).toBe('Changed\n');
    expect(hashFile(db)).toBe(hash);
    await expectRefused(db, WRITERS.slice(0, 1), /read-only/);
  });

  test('a new file in a folder without write permission', async ({ db }) => {
    readOnly(dirname(db), 0o555);
    for (const command of ALL) {
      const got = await call(db, command);
      expect(got.exit, command.join(' ')).toBe(1);
      expect(isOneLine(got.stderr), got.stderr).toBe(true);
      expect(got.stderr).toMatch(command[1] === 'doctor' ? /no such machine file/ : /read-only/);
    }
    expect(listing(dirname(db))).toEqual([]);
  });

  test('a read-only file of an older schema is upgraded in its copy in memory only', async ({ db }) => {
    // Schema zero: a file marked as a machine whose migrations never ran.
    const raw = new BetterSqlite3(db);
    raw.pragma('journal_mode = WAL');
    raw.pragma(`application_id = ${APPLICATION_ID}`);
    raw.close();
    readOnly(db, 0o444);
    const hash = hashFile(db);
    const store = await openStore(db);
    try {
      expect(store.readOnly).toMatch(/no write permission/);
      expect(await store.read(() => hasMachine(store.db))).toBe(false);
      await expect(store.write(async () => undefined)).rejects.toThrow(/read-only/);
    } finally {
      await store.close();
    }
    expect(hashFile(db)).toBe(hash);
    expect(listing(dirname(db))).toEqual(['machine.db']);
  });
});

describe('a file read and written normally', () => {
  test('leaves no side files, and reading leaves it byte-identical', async ({ db }) => {
    copyMachine(db);
    const hash = hashFile(db);
    for (const command of READERS) expect((await call(db, command)).exit).toBe(0);
    expect(hashFile(db)).toBe(hash);
    expect(listing(dirname(db))).toEqual(['machine.db']);
    for (const command of WRITERS) expect((await call(db, command)).exit, command.join(' ')).toBe(0);
    expect(listing(dirname(db))).toEqual(['machine.db']);
    expect(readFileSync(db).subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
  });
});

describe('creating a new file', () => {
  test('a creation that fails leaves nothing behind, not even a temporary file', async ({ db }) => {
    await expect(openStore(db, { initialise: async () => Promise.reject(new Error('boom')) })).rejects.toThrow('boom');
    expect(listing(dirname(db))).toEqual([]);
  });
});
