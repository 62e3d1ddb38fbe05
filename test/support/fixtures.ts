import { join } from 'node:path';
import { test as base, onTestFinished } from 'vitest';
import { type Ran, run, tempDir } from './console.js';

/** Tests that get a machine file path in a temporary folder, removed afterwards. */
export const test = base.extend<{ db: string }>({
  // biome-ignore lint: vitest fixtures take their dependencies destructured
  db: async ({}, use) => {
    const dir = tempDir((fn) => onTestFinished(fn));
    await use(join(dir, 'machine.db'));
  },
});

export const regiis = (db: string, ...args: string[]): Promise<Ran> => run('aspnet_regiis', db, args);
export const mb = (db: string, ...args: string[]): Promise<Ran> => run('metabase', db, args);
