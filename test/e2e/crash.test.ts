import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { mb, regiis } from '../support/fixtures.js';
import { tempDir } from '../support/console.js';
import { bigMachine, writeMachine } from '../support/big-machine.js';
import { checkIntegrity, differingTables, dumpTables, hashDump } from '../support/dump.js';
import { type BIN, requireBuild, start } from '../support/spawn.js';

/**
 * kill -9 at random moments of long mutating commands on a large machine: after each kill the file opens,
 * passes `PRAGMA integrity_check`, and holds exactly the machine from before the command or from after it.
 */

const NOW = '2026-03-01T12:00:00.000Z';

interface Outcome {
  readonly lk: string;
  readonly hash: string;
  readonly dump: Map<string, string>;
}

let dir: string;

/** What the file holds, seen through the program (`-lk`) and table by table. */
async function observe(file: string): Promise<Outcome> {
  const lk = await regiis(file, '-lk');
  expect(lk.exit, lk.stderr).toBe(0);
  const dump = dumpTables(file);
  return { lk: lk.stdout, dump, hash: hashDump(dump) };
}

function freshCopy(from: string, to: string): void {
  for (const side of ['', '-wal', '-shm']) rmSync(to + side, { force: true });
  copyFileSync(from, to);
}

const sizeOf = (file: string): number => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};

/**
 * Runs `program args` once to the end on a copy of `pristine` (its duration, its largest WAL, the state it
 * leaves), then `kills` times on fresh copies, killing it: half the time at a random moment of the whole run
 * (start-up, reading, planning, writing, checkpoint), half once its write transaction has put a random share
 * of its pages in the WAL, plus a little (the commit, the checkpoint). Checks every kill; returns the states.
 */
async function killRepeatedly(program: keyof typeof BIN, args: (db: string) => string[], pristine: string, kills: number) {
  const work = join(dir, 'work.db');
  freshCopy(pristine, work);
  const before = await observe(work);

  freshCopy(pristine, work);
  const started = Date.now();
  const full = start(program, args(work));
  let maxWal = 0;
  const watch = setInterval(() => (maxWal = Math.max(maxWal, sizeOf(`${work}-wal`))), 1);
  const finished = await full.exited;
  clearInterval(watch);
  const duration = Date.now() - started;
  expect(finished.code, finished.stderr).toBe(0);
  const after = await observe(work);
  expect(after.hash).not.toBe(before.hash);

  const seen = { before: 0, after: 0 };
  for (let i = 0; i < kills; i++) {
    freshCopy(pristine, work);
    const run = start(program, args(work));
    const byWal = i % 2 === 1;
    const at = byWal ? Math.random() * maxWal : ((i + Math.random()) / kills) * duration * 1.2;
    const extra = Math.random() * 50;
    const kill = () => run.child.kill('SIGKILL');
    let timer: NodeJS.Timeout;
    if (byWal) {
      timer = setInterval(() => {
        if (sizeOf(`${work}-wal`) > at) {
          clearInterval(timer);
          setTimeout(kill, extra);
        }
      }, 1);
    } else {
      timer = setTimeout(kill, at);
    }
    const exited = await run.exited;
    clearInterval(timer);
    clearTimeout(timer);
    const where = `kill ${i} (${byWal ? `WAL > ${Math.round(at)} bytes + ${Math.round(extra)} ms` : `${Math.round(at)} ms`}; ${exited.signal ?? `exit ${exited.code}`})`;
    expect(exited.signal === 'SIGKILL' || exited.code === 0, `${where}\n${exited.stderr}`).toBe(true);

    const integrity = checkIntegrity(work);
    expect(integrity.integrity, where).toBe('ok');
    expect(integrity.foreignKeys, where).toEqual([]);
    const now = await observe(work);
    const state = now.hash === before.hash ? 'before' : now.hash === after.hash ? 'after' : 'between';
    expect(state, `${where}: tables differing from before: ${differingTables(now.dump, before.dump).join(', ')}; from after: ${differingTables(now.dump, after.dump).join(', ')}`).not.toBe('between');
    expect(now.lk, where).toBe(state === 'before' ? before.lk : after.lk);
    seen[state as 'before' | 'after']++;
  }
  // The kills spread over the run, so some land before the commit and some after it.
  expect(seen.before, JSON.stringify(seen)).toBeGreaterThan(0);
  expect(seen.after, JSON.stringify(seen)).toBeGreaterThan(0);
  return { before, after };
}

beforeAll(() => {
  requireBuild();
  dir = tempDir((fn) => process.on('exit', fn));
});

describe('kill -9 during aspnet_regiis -r on a large machine', () => {
  /** 20 sites of 49 applications: 1,000 keys with explicit ScriptMaps on 1.1, all of which `-r` rewrites. */
  const SITES = 20;
  const APPS = 49;

  test('leaves the machine as before or after, never between (20 kills)', async () => {
    const pristine = join(dir, 'pristine.db');
    await writeMachine(pristine, bigMachine(SITES, APPS));
    const { before, after } = await killRepeatedly('aspnet_regiis', (db) => ['--db', db, '--framework', '2.0', '--now', NOW, '-r'], pristine, 20);
    expect(before.lk.split('\n').length).toBeGreaterThan(SITES * APPS);
    expect(after.lk).toMatch(/W3SVC\/100\/ROOT\/App0\/\t2\.0\.50727\.0/);
  }, 180_000);
});

describe('kill -9 during metabase import of a large MetaBase.xml', () => {
  test('leaves the machine as before or after, never between (8 kills)', async () => {
    const source = join(dir, 'import-source.db');
    await writeMachine(source, bigMachine(10, 39));
    const xml = join(dir, 'big.xml');
    expect((await mb(source, 'export', '--out', xml)).exit).toBe(0);
    const pristine = join(dir, 'import-target.db');
    expect((await mb(pristine, '--now', NOW, 'init')).exit).toBe(0);
    const { before, after } = await killRepeatedly('metabase', (db) => ['--db', db, '--now', NOW, 'import', xml], pristine, 8);
    expect(before.lk).toBe('W3SVC/\t1.1.4322.0\n');
    expect(after.lk).toMatch(/W3SVC\/109\/ROOT\/App38\/\t1\.1\.4322\.0/);
  }, 120_000);
});

describe('kill -9 during metabase snapshot restore on a large machine', () => {
  test('leaves the machine as before or after, never between (8 kills)', async () => {
    const pristine = join(dir, 'snapshots.db');
    await writeMachine(pristine, bigMachine(10, 49));
    expect((await mb(pristine, '--now', NOW, 'snapshot', 'save', 'base')).exit).toBe(0);
    expect((await regiis(pristine, '--now', NOW, '--framework', '2.0', '-r')).exit).toBe(0);
    const { before, after } = await killRepeatedly('metabase', (db) => ['--db', db, '--now', NOW, 'snapshot', 'restore', 'base'], pristine, 8);
    expect(before.lk).toMatch(/W3SVC\/109\/ROOT\/App48\/\t2\.0\.50727\.0/);
    expect(after.lk).toMatch(/W3SVC\/109\/ROOT\/App48\/\t1\.1\.4322\.0/);
  }, 120_000);
});

describe('kill -9 while a new machine file is being created', () => {
  test('leaves no file or a complete machine, and the next creation sweeps the dead temporaries', async () => {
    const folder = join(dir, 'creating');
    const db = join(folder, 'new.db');
    const args = ['--db', db, '--now', NOW, '-lk'];
    mkdirSync(folder);
    const started = Date.now();
    const full = await start('aspnet_regiis', args).exited;
    const duration = Date.now() - started;
    expect(full.code, full.stderr).toBe(0);
    const expected = full.stdout;
    const seen = { none: 0, complete: 0 };
    for (let i = 0; i < 8; i++) {
      rmSync(db, { force: true });
      const run = start('aspnet_regiis', args);
      const timer = setTimeout(() => run.child.kill('SIGKILL'), ((i + Math.random()) / 8) * duration);
      await run.exited;
      clearTimeout(timer);
      if (!existsSync(db)) {
        seen.none++;
        continue;
      }
      expect(checkIntegrity(db).integrity).toBe('ok');
      const lk = await regiis(db, '-lk');
      expect(lk.exit, lk.stderr).toBe(0);
      expect(lk.stdout).toBe(expected);
      seen.complete++;
    }
    expect(seen.none + seen.complete).toBe(8);
    rmSync(db, { force: true });
    expect((await start('aspnet_regiis', args).exited).code).toBe(0);
    expect(readdirSync(folder)).toEqual(['new.db']);
  }, 60_000);
});
