import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'vitest';
import { test } from './support/fixtures.js';
import { playScenario, readScenario } from './support/scenario.js';

/** The golden scenarios, copied byte for byte from the contract into test/scenarios/. */
const dir = join(import.meta.dirname, 'scenarios');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

/** Scenarios that need the runtime simulation (request, check), which a later piece of work brings. */
const NEEDS_RUNTIME = new Set(['02-pin-app-to-older.yaml', '05-u-without-compatible-version.yaml', '08-restart-race-1062.yaml', '09-norestart-keeps-loaded-clr.yaml', '13-iis5-process-model.yaml']);

describe('golden scenarios', () => {
  for (const file of files) {
    const scenario = readScenario(join(dir, file));
    const play = NEEDS_RUNTIME.has(file) ? test.skip : test;
    play(`${file}: ${scenario.name}`, async ({ db }) => {
      await playScenario(scenario, db);
    });
  }
});
