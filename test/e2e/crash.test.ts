import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { regiis } from '../support/fixtures.js';
import { tempDir } from '../support/console.js';
import { bigMachine, writeMachine } from '../support/big-machine.js';
import { checkIntegrity, differingTables, dumpTables, hashDump } from '../support/dump.js';
import { requireBuild, start } from '../support/spawn.js';

/**
 * kill -9 at random moments of a long mutating command on a large machine: after each kill the file opens,
 * passes `PRAGMA integrity_check`, and holds exactly the machine from before the command or from after it.
 */

const NOW = '2026-03-01T12:00:00.000Z';
const KILLS = 20;
/** 30 sites of 49 applications: 1,500 keys with explicit ScriptMaps on 1.1, all of which `-r` rewrites. */
const SITES = 30;
const APPS = 49;

interface Outcome {
  readonly lk: string;
  readonly hash: string;
  readonly dump: Map<string, string>;
}

let dir: string;
let pristine: string;

/** What the file holds, seen through the program (`-lk`) and table by table. */
async function observe(file: string): Promise<Outcome> {
  const lk = await regiis(file, '-lk');
  expect(lk.exit, lk.stderr).toBe(0);
  const dump = dumpTables(file);
  return { lk: lk.stdout, dump, hash: hashDump(dump) };
}

function freshCopy(to: string): void {
  for (const side of ['', '-wal', '-shm']) rmSync(to + side, { force: true });
  copyFileSync(pristine, to);
}

const sizeOf = (file: string): number => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};

beforeAll(async () => {
  requireBuild();
  dir = tempDir((fn) => process.on('exit', fn));
  pristine = join(dir, 'pristine.db');
  await writeMachine(pristine, bigMachine(SITES, APPS));
}, 60_000);

describe('kill -9 during aspnet_regiis -r on a large machine', () => {
  test(`leaves the machine as before or after, never between (${KILLS} kills)`, async () => {
    const args = (db: string) => ['--db', db, '--framework', '2.0', '--now', NOW, '-r'];
    const work = join(dir, 'work.db');

    freshCopy(work);
    const before = await observe(work);
    expect(before.lk.split('\n').length).toBeGreaterThan(SITES * APPS);

    // One uninterrupted run: how long it takes, how large its WAL grows, and the state it leaves.
    freshCopy(work);
    const started = Date.now();
    const full = start('aspnet_regiis', args(work));
    let maxWal = 0;
    const watch = setInterval(() => (maxWal = Math.max(maxWal, sizeOf(`${work}-wal`))), 1);
    const finished = await full.exited;
    clearInterval(watch);
    const duration = Date.now() - started;
    expect(finished.code, finished.stderr).toBe(0);
    const after = await observe(work);
    expect(after.hash).not.toBe(before.hash);
    expect(after.lk).toMatch(/W3SVC\/100\/ROOT\/App0\/\t2\.0\.50727\.0/);

    const seen = { before: 0, after: 0 };
    for (let i = 0; i < KILLS; i++) {
      freshCopy(work);
      const run = start('aspnet_regiis', args(work));
      // Half the kills at a random time over the whole run (start-up, load, write, checkpoint); half once the
      // write transaction has put a random share of its pages in the WAL, plus a little (commit, checkpoint).
      const byWal = i % 2 === 1;
      const at = byWal ? Math.random() * maxWal : ((i + Math.random()) / KILLS) * duration * 1.2;
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
  }, 180_000);
});

describe('kill -9 while a new machine file is being created', () => {
  test('leaves no file or a complete machine, and the next creation sweeps the dead temporaries', async () => {
    const folder = join(dir, 'creating');
    const db = join(folder, 'new.db');
    const args = ['--db', db, '--now', NOW, '-lk'];
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder);
    const started = Date.now();
    const full = await start('aspnet_regiis', args).exited;
    const duration = Date.now() - started;
    expect(full.code, full.stderr).toBe(0);
    const expected = full.stdout;
    const seen = { none: 0, complete: 0 };
    for (let i = 0; i < 12; i++) {
      rmSync(db, { force: true });
      const run = start('aspnet_regiis', args);
      const timer = setTimeout(() => run.child.kill('SIGKILL'), ((i + Math.random()) / 12) * duration);
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
    expect(seen.none + seen.complete).toBe(12);
    rmSync(db, { force: true });
    expect((await start('aspnet_regiis', args).exited).code).toBe(0);
    expect(readdirSync(folder)).toEqual(['new.db']);
  }, 60_000);
});

