import { copyFileSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { expect } from 'vitest';
import { regiis } from './fixtures.js';
import { checkIntegrity, differingTables, dumpTables, hashDump } from './dump.js';
import { type BIN, start } from './spawn.js';

/**
 * kill -9 at random moments of a long mutating command: after each kill the file opens, passes
 * `PRAGMA integrity_check`, and holds exactly the machine from before the command or from after it.
 */

interface Outcome {
  readonly lk: string;
  readonly hash: string;
  readonly dump: Map<string, string>;
}

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
 * of its pages in the WAL, plus a little (the commit, the checkpoint). Checks every kill; returns the two
 * states and how many kills left each.
 */
export async function killRepeatedly(program: keyof typeof BIN, args: (db: string) => string[], pristine: string, kills: number) {
  const work = join(dirname(pristine), `${basename(pristine, '.db')}-work.db`);
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
    // The timed kills cover 0 to 1.2 times an uninterrupted run, evenly: the last ones may come after the end.
    const timed = Math.ceil(kills / 2);
    const at = byWal ? Math.random() * maxWal : ((Math.floor(i / 2) + Math.random()) / timed) * duration * 1.2;
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
  return { before, after, seen };
}

