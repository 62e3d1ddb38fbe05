import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'vitest';
import { test } from './support/fixtures.js';
import { playScenario, readScenario } from './support/scenario.js';

/** The golden scenarios, copied byte for byte from the contract into test/scenarios/. */
const dir = join(import.meta.dirname, 'scenarios');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

describe('golden scenarios', () => {
  for (const file of files) {
    const scenario = readScenario(join(dir, file));
    test(`${file}: ${scenario.name}`, async ({ db }) => {
      await playScenario(scenario, db);
    });
  }
});
