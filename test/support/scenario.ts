import { expect } from 'vitest';
import { type Ran, run } from './console.js';

/**
 * Runs a golden scenario the way a user would: `metabase play FILE` (in-process), which reads the file, makes
 * the scenario's machine in a temporary file and checks every expectation. A failure shows play's report.
 */
export async function playScenario(file: string, db: string): Promise<Ran> {
  const got = await run('metabase', db, ['play', file]);
  expect(got.exit, `${got.stdout}${got.stderr}`).toBe(0);
  expect(got.stdout).toMatch(/\n\d+ passed, 0 failed\n$/);
  return got;
}
