import { spawn } from 'node:child_process';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, type Migration, Migrator, SqliteDialect } from 'kysely';
import { MIGRATIONS } from '../../migrations/index.js';
import { APPLICATION_ID } from '../../src/store/open.js';
import { beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { run, tempDir } from '../support/console.js';
import { listing } from '../support/files.js';
import { checkIntegrity } from '../support/dump.js';
import { type Exited, requireBuild, runBin } from '../support/spawn.js';

/**
 * Several processes changing one machine file at once: none fails with a busy or locked error (write
 * transactions begin immediately and wait on the busy timeout, including while a NEW file is being created),
 * and the end state is that of the same commands run one after another.
 */

const NOW = '2026-03-01T12:00:00.000Z';
const WORKERS = 8;
const APPS_PER_WORKER = 8;

/** Worker w's 25 commands: its own pool and applications, so the end state does not depend on the order. */
function workerCommands(db: string, w: number): string[][] {
  const g = ['--db', db, '--now', NOW];
  const commands: string[][] = [['metabase', ...g, 'pool', 'add', `Pool${w}`]];
  for (let j = 0; j < APPS_PER_WORKER; j++) {
    const key = `W3SVC/1/ROOT/W${w}A${j}`;
    commands.push(['metabase', ...g, 'vdir', 'add', key, '--path', `C:\\Sites\\W${w}\\A${j}`, '--app', '--pool', `Pool${w}`]);
    commands.push(['aspnet_regiis', ...g, '-s', key]);
    commands.push(j % 2 === 0 ? ['metabase', ...g, 'set', key, 'AppFriendlyName', `App ${w}.${j}`] : ['aspnet_regiis', ...g, '-k', key]);
  }
  return commands;
}

function startWorker(commands: string[][]): Promise<Exited> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'support', 'command-worker.mjs'), JSON.stringify(commands)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/**
 * The machine in a form that does not depend on the order independent commands ran in: keys by path with
 * their parent's path and their properties, frameworks, directories, services, the audit log's command lines
 * and the application log as multisets.
 */
function canonical(file: string): Record<string, unknown> {
  const db = new BetterSqlite3(file, { fileMustExist: true });
  try {
    const all = (query: string) => db.prepare(query).raw().all();
    return {
      keys: all(`select k.path, parent.path, k.key_type,
                   (select json_group_array(json_array(p.name, p.data_type, p.prop_id, p.user_type, p.attributes, p.value))
                      from (select * from mb_property p where p.key_id = k.id order by p.name_lc) p)
                 from mb_key k left join mb_key parent on parent.id = k.parent_id order by k.path_lc`),
      frameworks: all('select * from framework order by version'),
      directories: all('select path from directory order by path_lc'),
      grants: all('select principal, version from grant_entry order by principal, version'),
      machine: all('select profile, os, windir, setup_log_counter, state_service, perf_counters, aspnet_account from machine'),
      // The audit log names the file as typed: the two runs used different files.
      commands: db.prepare(`select replace(text, ?, 'FILE') as t from audit_entry where kind = 'command' order by t`).raw().all(file),
      // Per-key changes; recycle lines name the applications that existed at the time, so they depend on the order.
      changes: all(`select text from audit_entry where kind = 'change' order by text`),
      events: all('select source, event_id, type, text from app_event order by source, event_id, text'),
    };
  } finally {
    db.close();
  }
}

let dir: string;
beforeAll(() => {
  requireBuild();
  dir = tempDir((fn) => process.on('exit', fn));
});

describe('several processes on one machine file', () => {
  test(`${WORKERS} processes x 25 mutating commands on a new file equal a serial run`, async () => {
    const shared = join(dir, 'shared.db');
    const exits = await Promise.all(Array.from({ length: WORKERS }, (_, w) => startWorker(workerCommands(shared, w))));
    for (const [w, exited] of exits.entries()) {
      expect(exited.stderr, `worker ${w}`).not.toMatch(/busy|locked/i);
      expect(exited.code, `worker ${w}: ${exited.stderr}`).toBe(0);
    }
    expect(checkIntegrity(shared)).toEqual({ integrity: 'ok', foreignKeys: [] });

    const serial = join(dir, 'serial.db');
    for (let w = 0; w < WORKERS; w++) {
      for (const [program, ...args] of workerCommands(serial, w)) {
        const got = await run(program as 'aspnet_regiis' | 'metabase', args[1]!, args.slice(2));
        expect(got.exit, `${program} ${args.join(' ')}: ${got.stderr}`).toBe(0);
      }
    }
    const a = canonical(shared);
    const b = canonical(serial);
    expect((a.commands as unknown[]).length).toBe(WORKERS * 25 + 1);
    for (const part of Object.keys(b)) expect(a[part], part).toEqual(b[part]);

    const lk = async (db: string) => (await run('aspnet_regiis', db, ['-lk'])).stdout.split('\n').sort();
    expect(await lk(shared)).toEqual(await lk(serial));
    expect(listing(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  }, 120_000);

  test(`${WORKERS} real bins creating the same new file at once all succeed on one machine`, async ({ task }) => {
    const db = join(dir, `${task.id}.db`);
    onTestFinished(() => undefined);
    const exits = await Promise.all(
      Array.from({ length: WORKERS }, (_, w) => runBin('metabase', ['--db', db, '--now', NOW, 'pool', 'add', `Racer${w}`])),
    );
    for (const [w, exited] of exits.entries()) expect(exited.code, `bin ${w}: ${exited.stderr}`).toBe(0);
    const pools = await run('metabase', db, ['pool', 'list', '--json']);
    const names = (JSON.parse(pools.stdout) as { pool: string }[]).map((p) => p.pool).sort();
    expect(names).toEqual(['DefaultAppPool', ...Array.from({ length: WORKERS }, (_, w) => `Racer${w}`)].sort());
    const audit = await run('metabase', db, ['events', '--log', 'audit', '--json']);
    expect((JSON.parse(audit.stdout) as { text: string }[]).filter((e) => e.text.startsWith('machine created')).length).toBe(1);
  }, 60_000);

  test(`${WORKERS} real bins opening a file of an older schema at once: one upgrades it, none fails`, async ({ task }) => {
    // A file that only the first migration ever ran on (marked as a machine, no machine in it yet).
    const db = join(dir, `${task.id}.db`);
    const sqlite = new BetterSqlite3(db);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma(`application_id = ${APPLICATION_ID}`);
    const first = Object.keys(MIGRATIONS).sort()[0]!;
    const old = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
    const migrated = await new Migrator({ db: old, provider: { getMigrations: async (): Promise<Record<string, Migration>> => ({ [first]: await MIGRATIONS[first]!() }) } }).migrateToLatest();
    expect(migrated.error).toBeUndefined();
    await old.destroy();

    const exits = await Promise.all(
      Array.from({ length: WORKERS }, (_, w) => runBin('metabase', ['--db', db, '--now', NOW, 'pool', 'add', `Upgrader${w}`])),
    );
    for (const [w, exited] of exits.entries()) {
      expect(exited.stderr, `bin ${w}`).not.toMatch(/busy|locked/i);
      expect(exited.code, `bin ${w}: ${exited.stderr}`).toBe(0);
    }
    const check = new BetterSqlite3(db, { readonly: true });
    const applied = (check.prepare('select name from kysely_migration order by name').all() as { name: string }[]).map((r) => r.name);
    const created = check.prepare(`select count(*) as n from audit_entry where text like 'machine created%'`).get() as { n: number };
    check.close();
    expect(applied).toEqual(Object.keys(MIGRATIONS).sort());
    expect(created.n).toBe(1);
    const pools = await run('metabase', db, ['pool', 'list', '--json']);
    expect((JSON.parse(pools.stdout) as { pool: string }[]).length).toBe(WORKERS + 1);
  }, 60_000);
});
