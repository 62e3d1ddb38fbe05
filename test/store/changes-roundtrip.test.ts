import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { runAspnetRegiis } from '../../src/app/aspnet-regiis.js';
import { fixedClock } from '../../src/app/clock.js';
import { CommandError } from '../../src/app/errors.js';
import { Draft } from '../../src/machine/machine.js';
import { parseToolArgs } from '../../src/regiis/args.js';
import { runTool } from '../../src/regiis/tool.js';
import { insertMachine, loadMachine } from '../../src/store/machine-repo.js';
import { openStore } from '../../src/store/open.js';
import { tempDir } from '../support/console.js';
import { checkIntegrity } from '../support/dump.js';
import { buildMachine, cloneState, commandSpec, commandWords, describeState, machineSpec } from '../support/arbitraries.js';

/**
 * What the store writes is what the core planned: a random machine survives insert and load unchanged, and
 * after each command run through the real use case (one transaction), loading the file gives exactly the
 * machine the same command leaves in memory.
 */

const clock = fixedClock('2026-01-01T00:00:00Z');
let dir: string;
let files = 0;
beforeAll(() => {
  dir = tempDir((fn) => process.on('exit', fn));
});

describe('the store keeps exactly what the core planned', () => {
  test('random machines and command sequences, through SQLite and back', async () => {
    await fc.assert(
      fc.asyncProperty(machineSpec, fc.array(commandSpec, { minLength: 1, maxLength: 4 }), fc.boolean(), async (spec, commands, whatIf) => {
        const expected = buildMachine(spec);
        const file = join(dir, `m${files++}.db`);
        const store = await openStore(file, { initialise: (s) => insertMachine(s.db, expected, clock.now()) });
        try {
          const load = async () => (await store.read(() => loadMachine(store.db))).state;
          expect(describeState(await load())).toBe(describeState(expected));
          for (const command of commands) {
            const words = commandWords(expected, command);
            const parsed = parseToolArgs(words, command.tool, expected.os === 'win2000');
            const before = describeState(expected);
            try {
              await runAspnetRegiis(store, { words, framework: command.tool, whatIf, clock });
            } catch (error) {
              if (error instanceof CommandError) continue; // the tool is not installed: nothing ran
              throw error;
            }
            if (parsed.ok && !whatIf) runTool(new Draft(expected), parsed.command, command.tool);
            const now = describeState(await load());
            expect(now, words.join(' ')).toBe(describeState(expected));
            if (whatIf) expect(now).toBe(before);
          }
        } finally {
          await store.close();
        }
        expect(checkIntegrity(file)).toEqual({ integrity: 'ok', foreignKeys: [] });
      }),
      { numRuns: 60 },
    );
  }, 60_000);
});
