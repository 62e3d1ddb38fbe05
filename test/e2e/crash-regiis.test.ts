import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { tempDir } from '../support/console.js';
import { bigMachine, writeMachine } from '../support/big-machine.js';
import { killRepeatedly } from '../support/kill.js';
import { requireBuild } from '../support/spawn.js';

/**
 * kill -9 at random moments of aspnet_regiis -r on a large machine: after each kill the file opens, passes
 * `PRAGMA integrity_check`, and holds exactly the machine from before the command or from after it.
 */

const NOW = '2026-03-01T12:00:00.000Z';
let dir: string;

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
    const { before, after, seen } = await killRepeatedly('aspnet_regiis', (db) => ['--db', db, '--framework', '2.0', '--now', NOW, '-r'], pristine, 20);
    // Twenty kills spread over the run: some land before the commit and some after it.
    expect(seen.before, JSON.stringify(seen)).toBeGreaterThan(0);
    expect(seen.after, JSON.stringify(seen)).toBeGreaterThan(0);
    expect(before.lk.split('\n').length).toBeGreaterThan(SITES * APPS);
    expect(after.lk).toMatch(/W3SVC\/100\/ROOT\/App0\/\t2\.0\.50727\.0/);
  }, 180_000);
});
