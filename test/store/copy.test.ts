import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, onTestFinished } from 'vitest';
import { copyMachineFile } from '../../src/store/copy.js';
import { mb, regiis, test } from '../support/fixtures.js';
import { hashFile, listing } from '../support/files.js';

/** Copying a machine (a scenario's `machine: { snapshot: }`) leaves the original and its folder exactly as they were. */
describe('copyMachineFile', () => {
  const readOnly = (path: string, mode: number) => {
    chmodSync(path, mode);
    onTestFinished(() => chmodSync(path, statSync(path).isDirectory() ? 0o755 : 0o644));
  };

  test.for(['writable', 'read-only file', 'read-only folder'] as const)('%s: a complete copy, no side file beside the original', async (how, { db }) => {
    await mb(db, 'init');
    await mb(db, 'pool', 'add', 'Copied');
    const out = join(dirname(db), 'copies');
    mkdirSync(out);
    if (how === 'read-only file') readOnly(db, 0o444);
    if (how === 'read-only folder') readOnly(dirname(db), 0o555);
    const hash = hashFile(db);
    copyMachineFile(db, join(out, 'copy.db'));
    expect(hashFile(db)).toBe(hash);
    expect(listing(dirname(db))).toEqual(['copies', 'machine.db']);
    expect((await mb(join(out, 'copy.db'), 'pool', 'list', '--json')).stdout).toContain('Copied');
    expect((await regiis(join(out, 'copy.db'), '-lk')).stdout).toBe('W3SVC/\t1.1.4322.0\n');
  });
});
