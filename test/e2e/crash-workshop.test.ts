import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { mb, regiis } from '../support/fixtures.js';
import { tempDir } from '../support/console.js';
import { bigMachine, writeMachine } from '../support/big-machine.js';
import { checkIntegrity } from '../support/dump.js';
import { killRepeatedly } from '../support/kill.js';
import { requireBuild, start } from '../support/spawn.js';

/**
 * kill -9 at random moments of the other long writers (import, snapshot restore) and of the creation of a new
 * file: the file is always sound, and holds the machine from before or from after (or, new, none at all).
 */

const NOW = '2026-03-01T12:00:00.000Z';
let dir: string;

beforeAll(() => {
  requireBuild();
  dir = tempDir((fn) => process.on('exit', fn));
});

describe('kill -9 during metabase import of a large MetaBase.xml', () => {
  test('leaves the machine as before or after, never between (6 kills)', async () => {
    const source = join(dir, 'import-source.db');
    await writeMachine(source, bigMachine(10, 39));
    const xml = join(dir, 'big.xml');
    expect((await mb(source, 'export', '--out', xml)).exit).toBe(0);
    const pristine = join(dir, 'import-target.db');
    expect((await mb(pristine, '--now', NOW, 'init')).exit).toBe(0);
    const { before, after } = await killRepeatedly('metabase', (db) => ['--db', db, '--now', NOW, 'import', xml], pristine, 6);
    expect(before.lk).toBe('W3SVC/\t1.1.4322.0\n');
    expect(after.lk).toMatch(/W3SVC\/109\/ROOT\/App38\/\t1\.1\.4322\.0/);
  }, 120_000);
});

describe('kill -9 during metabase snapshot restore on a large machine', () => {
  test('leaves the machine as before or after, never between (6 kills)', async () => {
    const pristine = join(dir, 'snapshots.db');
    await writeMachine(pristine, bigMachine(10, 49));
    expect((await mb(pristine, '--now', NOW, 'snapshot', 'save', 'base')).exit).toBe(0);
    expect((await regiis(pristine, '--now', NOW, '--framework', '2.0', '-r')).exit).toBe(0);
    const { before, after } = await killRepeatedly('metabase', (db) => ['--db', db, '--now', NOW, 'snapshot', 'restore', 'base'], pristine, 6);
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
    for (let i = 0; i < 6; i++) {
      rmSync(db, { force: true });
      const run = start('aspnet_regiis', args);
      const timer = setTimeout(() => run.child.kill('SIGKILL'), ((i + Math.random()) / 6) * duration);
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
    expect(seen.none + seen.complete).toBe(6);
    rmSync(db, { force: true });
    expect((await start('aspnet_regiis', args).exited).code).toBe(0);
    expect(readdirSync(folder)).toEqual(['new.db']);
  }, 60_000);
});
