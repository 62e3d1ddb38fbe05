import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runAspnetRegiis } from '../../src/app/aspnet-regiis.js';
import { fixedClock } from '../../src/app/clock.js';
import { initMachine, openMachine } from '../../src/app/machine-file.js';
import { resetIis, simulateRequest } from '../../src/app/runtime.js';
import { mutate } from '../../src/app/session.js';
import { dropSnapshot, rewind, takeSnapshot } from '../../src/app/snapshots.js';
import { addPool, addVirtualDirectory, assignPool, setRaw } from '../../src/iis/admin.js';
import { PROFILES, type ProfileName } from '../../src/machine/profiles.js';
import { tempDir } from '../support/console.js';
import { dumpTables } from '../support/dump.js';

/**
 * `snapshot restore` writes only the rows that differ (snapshot-repo.ts). Whatever happened after a save —
 * keys added and removed, lists rewritten, files, worker processes, other snapshots saved and deleted — the
 * restore gives back exactly the rows the machine had when it was saved: every table of the machine, the
 * shared values included, compared row by row. Logs, snapshots and counters are not part of a machine.
 */
const clock = fixedClock('2026-01-01T00:00:00Z');
const NOT_THE_MACHINE = ['app_event', 'audit_entry', 'worker_counter', 'sqlite_sequence', 'kysely_migration', 'kysely_migration_lock'];
const notTheMachine = (table: string): boolean => NOT_THE_MACHINE.includes(table) || table.startsWith('snapshot');

const step = fc.oneof(
  fc.record({
    tool: fc.constantFrom(['-i'], ['-r'], ['-u'], ['-ua'], ['-c'], ['-e'], ['-k', 'W3SVC'], ['-s', 'W3SVC/1/ROOT/App'], ['-sn', 'W3SVC/1/ROOT'], ['-ga', 'IUSR']),
    framework: fc.constantFrom(undefined, '1.1', '2.0'),
  }),
  fc.constantFrom('vdir', 'delete-app', 'pool', 'custom-maps', 'request', 'iisreset', 'other-snapshot'),
);

describe('snapshot restore', () => {
  it('gives back exactly the rows saved, whatever came after', async () => {
    const dir = tempDir((fn) => onTestFinished(fn));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...(Object.keys(PROFILES) as ProfileName[])), fc.array(step, { minLength: 0, maxLength: 6 }), async (profile, steps) => {
        const file = join(dir, `m${n++}.db`);
        await initMachine(file, profile, false, clock);
        const store = await openMachine(file, clock);
        try {
          await mutate(store, clock, 'setup', (d) => {
            addVirtualDirectory(d, 'W3SVC/1/ROOT/App', 'C:\\App', true, undefined);
            return { result: undefined };
          });
          await simulateRequest(store, clock, 'request', { url: 'http://localhost/App/default.aspx', verb: 'GET' });
          await takeSnapshot(store, clock, 'snapshot save saved', 'saved');
          const saved = dumpTables(file, []);

          for (const [i, s] of steps.entries()) {
            if (typeof s !== 'string') {
              await runAspnetRegiis(store, { words: s.tool, framework: s.framework, whatIf: false, clock }).catch(() => undefined);
              continue;
            }
            if (s === 'request') await simulateRequest(store, clock, 'request', { url: 'http://localhost/App/x.aspx', verb: 'GET' });
            else if (s === 'iisreset') await resetIis(store, clock, 'iisreset');
            else if (s === 'other-snapshot') await takeSnapshot(store, clock, 'snapshot save', `other-${i}`);
            else {
              await mutate(store, clock, s, (d) => {
                const app = d.metabase.has('/LM/W3SVC/1/ROOT/App');
                if (s === 'vdir' && !d.metabase.has(`/LM/W3SVC/1/ROOT/V${i}`)) addVirtualDirectory(d, `W3SVC/1/ROOT/V${i}`, `C:\\V${i}`, i % 2 === 0, undefined);
                if (s === 'delete-app' && app) d.deleteKey('/LM/W3SVC/1/ROOT/App');
                if (s === 'pool' && app && d.state.os === 'win2003') {
                  addPool(d, `Pool${i}`);
                  assignPool(d, 'W3SVC/1/ROOT/App', `Pool${i}`);
                }
                if (s === 'custom-maps' && app) setRaw(d, 'W3SVC/1/ROOT/App', 'ScriptMaps', [`.x${i},C:\\Tools\\x.dll,1`.padEnd(300, 'x')]);
                return { result: undefined };
              });
            }
          }

          await rewind(store, clock, 'snapshot restore saved', 'saved');
          const restored = dumpTables(file, []);
          for (const [table, rows] of saved) {
            // Shared values other snapshots still use stay until those go (below).
            if (notTheMachine(table) || table === 'mb_shared_value') continue;
            expect(restored.get(table), `${table} after ${JSON.stringify(steps)}`).toBe(rows);
          }
          // The other snapshots go; every shared value left is one the machine uses.
          for (const [i, s] of steps.entries()) if (s === 'other-snapshot') await dropSnapshot(store, clock, 'snapshot delete', `other-${i}`);
          expect(dumpTables(file, []).get('mb_shared_value')).toBe(saved.get('mb_shared_value'));
        } finally {
          await store.close();
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
