import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { runAspnetRegiis } from '../../src/app/aspnet-regiis.js';
import { fixedClock } from '../../src/app/clock.js';
import { CommandError } from '../../src/app/errors.js';
import { Draft } from '../../src/machine/machine.js';
import { parseToolArgs } from '../../src/regiis/args.js';
import { runTool } from '../../src/regiis/tool.js';
import { applyChanges, insertMachine, loadMachine } from '../../src/store/machine-repo.js';
import { buildProfile } from '../../src/machine/profiles.js';
import { property } from '../../src/metabase/metabase.js';
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

  test('random property edits on several keys: new rows in the order they were set, shared and inline values', async () => {
    const KEYS = ['/LM/W3SVC', '/LM/W3SVC/1', '/LM/W3SVC/1/ROOT'];
    const NAMES = ['Zeta', 'Alpha', 'ScriptMaps', 'Mid'];
    const long = (n: number) => [`.x${n},C:\\Tools\\x.dll,1`.padEnd(300, 'x')];
    const edit = fc.record({ key: fc.constantFrom(...KEYS), name: fc.constantFrom(...NAMES), value: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }) });
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 12 }), async (edits) => {
        const expected = buildProfile('win2003-net20');
        const file = join(dir, `m${files++}.db`);
        const store = await openStore(file, { initialise: (s) => insertMachine(s.db, expected, clock.now()) });
        try {
          await store.write(async () => {
            const loaded = await loadMachine(store.sqlite, { lazy: true });
            const draft = new Draft(loaded.state);
            const mirror = new Draft(expected);
            for (const e of edits) {
              for (const d of [draft, mirror]) {
                if (e.value === undefined) {
                  if (d.metabase.get(e.key)?.properties.has(e.name.toLowerCase())) d.deleteProperty(e.key, e.name);
                } else {
                  // Lists of one long entry are shared values; short texts stay in the row.
                  d.setProperty(e.key, property(e.name, e.name === 'ScriptMaps' ? long(e.value) : `v${e.value}`));
                }
              }
            }
            await applyChanges(store.sqlite, loaded, draft.changes);
          });
          const stored = (await store.read(() => loadMachine(store.sqlite))).state;
          expect(describeState(stored), JSON.stringify(edits)).toBe(describeState(expected));
          for (const key of KEYS) expect([...stored.metabase.get(key)!.properties.keys()]).toEqual([...expected.metabase.get(key)!.properties.keys()]);
        } finally {
          await store.close();
        }
        expect(checkIntegrity(file)).toEqual({ integrity: 'ok', foreignKeys: [] });
      }),
      { numRuns: 100 },
    );
  }, 60_000);
});
