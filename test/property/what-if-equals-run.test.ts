import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runAspnetRegiis } from '../../src/app/aspnet-regiis.js';
import { fixedClock } from '../../src/app/clock.js';
import { CommandError } from '../../src/app/errors.js';
import { initMachine, openMachine } from '../../src/app/machine-file.js';
import { mutate } from '../../src/app/session.js';
import { compare, takeSnapshot } from '../../src/app/snapshots.js';
import { addPool, addVirtualDirectory, assignPool, setRaw } from '../../src/iis/admin.js';
import { PROFILES, type ProfileName } from '../../src/machine/profiles.js';
import { tempDir } from '../support/console.js';

/**
 * For random machines and random sequences of aspnet_regiis runs: what `--what-if` plans is exactly what the
 * real run then did, as `metabase diff` finds it between a snapshot taken before and the machine after. The
 * plan is computed in memory; the diff is read back from the file (changes written, snapshot copied, both
 * loaded again), so this also proves that nothing is lost or added on the way to the file.
 */
const clock = fixedClock('2026-01-01T00:00:00Z');
const PATHS = ['W3SVC', 'W3SVC/1/ROOT', 'W3SVC/1/ROOT/App', 'W3SVC/1/ROOT/App/Sub', 'W3SVC/1/ROOT/Other', 'W3SVC/1/ROOT/Nope'];
const ENTRIES = [
  '.asp,C:\\WINDOWS\\system32\\inetsrv\\asp.dll,5,GET,HEAD,POST,TRACE',
  '.aspx,C:\\WINDOWS\\Microsoft.NET\\Framework\\v1.1.4322\\aspnet_isapi.dll,1,GET,POST',
  '.aspx,C:\\WINDOWS\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_isapi.dll,1,GET,HEAD,POST,DEBUG',
  '.master,C:\\WINDOWS\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_isapi.dll,5,GET,HEAD,POST,DEBUG',
  '.config,C:\\Tools\\guard.dll,5',
  '.foo,C:\\Tools\\foo.dll,1',
  '.asmx,C:\\WINDOWS\\Microsoft.NET\\Framework\\v2.0.40607\\aspnet_isapi.dll,1',
];

const path = fc.constantFrom(...PATHS);
const toolWords = fc.oneof(
  fc.constantFrom(['-i'], ['-ir'], ['-iru'], ['-r'], ['-u'], ['-ua'], ['-c'], ['-e'], ['-ea'], ['-lk'], ['-lv'], ['-i', '-enable'], ['-r', '-disable'], ['-i', '-norestart']),
  fc.tuple(fc.constantFrom('-s', '-sn', '-k', '-kn'), path, fc.boolean()).map(([option, p, norestart]) => [option, p, ...(norestart ? ['-norestart'] : [])]),
  fc.constantFrom('NETWORK SERVICE', 'network service', 'IUSR').map((user) => ['-ga', user]),
);
const run = fc.record({ framework: fc.constantFrom(undefined, '1.0', '1.1', '2.0', '4.0'), words: toolWords });
const machine = fc.record({
  profile: fc.constantFrom(...(Object.keys(PROFILES) as ProfileName[])),
  vdirs: fc.subarray(['App', 'App/Sub', 'Other'], { minLength: 0 }),
  apps: fc.boolean(),
  pool: fc.boolean(),
  customMaps: fc.option(fc.subarray(ENTRIES, { minLength: 1 }), { nil: undefined }),
});

describe('--what-if', () => {
  it('plans exactly the diff of the real run', async () => {
    const dir = tempDir((fn) => onTestFinished(fn));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(machine, fc.array(run, { minLength: 1, maxLength: 5 }), async (m, runs) => {
        const file = join(dir, `m${n++}.db`);
        await initMachine(file, m.profile, false, clock);
        const store = await openMachine(file, clock);
        try {
          await mutate(store, clock, 'setup', (d) => {
            for (const v of m.vdirs) if (d.metabase.has(`/LM/W3SVC/1/ROOT/${v.split('/').slice(0, -1).join('/')}`.replace(/\/$/, ''))) addVirtualDirectory(d, `W3SVC/1/ROOT/${v}`, `C:\\${v}`, m.apps, undefined);
            if (m.pool && d.state.os === 'win2003' && d.metabase.has('/LM/W3SVC/1/ROOT/App')) {
              addPool(d, 'Other');
              assignPool(d, 'W3SVC/1/ROOT/App', 'Other');
            }
            if (m.customMaps && d.metabase.has('/LM/W3SVC/1/ROOT/App')) setRaw(d, 'W3SVC/1/ROOT/App', 'ScriptMaps', m.customMaps);
            return { result: undefined };
          });
          for (const [i, r] of runs.entries()) {
            await takeSnapshot(store, clock, 'snapshot', `before-${i}`);
            const request = { words: r.words, framework: r.framework, clock };
            let planned;
            try {
              planned = await runAspnetRegiis(store, { ...request, whatIf: true });
            } catch (error) {
              // A framework that is not installed has no tool: the real run refuses it the same way.
              expect(error).toBeInstanceOf(CommandError);
              await expect(runAspnetRegiis(store, { ...request, whatIf: false })).rejects.toThrow((error as Error).message);
              continue;
            }
            const real = await runAspnetRegiis(store, { ...request, whatIf: false });
            const found = await compare(store, `before-${i}`, undefined);
            const json = (x: unknown) => JSON.parse(JSON.stringify(x));
            expect(json(planned.diff), `${r.framework ?? 'default'} ${r.words.join(' ')}`).toEqual(json(found.diff));
            expect(planned.changed).toBe(real.changed);
            expect(planned.outcome).toEqual(real.outcome);
            expect(planned.recycled).toEqual(real.recycled);
          }
        } finally {
          await store.close();
        }
      }),
      { numRuns: 40 },
    );
  }, 60_000);
});
