import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { test } from './support/fixtures.js';
import { playScenario } from './support/scenario.js';

/** The golden scenarios, copied byte for byte from the contract into test/scenarios/, each run by `metabase play`. */
const dir = join(import.meta.dirname, 'scenarios');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

describe('golden scenarios, through metabase play', () => {
  for (const file of files) {
    test(file, async ({ db }) => {
      await playScenario(join(dir, file), db);
      // A scenario runs on its own copy of a machine: the --db file is never made.
      expect(existsSync(db)).toBe(false);
    });
  }
});
