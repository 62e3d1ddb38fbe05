import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { mb } from '../support/fixtures.js';
import { tempDir } from '../support/console.js';
import { writeMachine } from '../support/big-machine.js';
import { buildMachine, machineSpec } from '../support/arbitraries.js';

/**
 * Export, import, export is a fixed point: a random machine's MetaBase.xml, imported into another machine
 * and exported again, comes out byte for byte the same; and the machine the import made is healthy (doctor).
 */

let dir: string;
let n = 0;
beforeAll(() => {
  dir = tempDir((fn) => process.on('exit', fn));
});

describe('export, import, export', () => {
  test('is a fixed point, and the imported machine passes doctor', async () => {
    await fc.assert(
      fc.asyncProperty(machineSpec, fc.constantFrom('win2003', 'iis6-bare', 'win2003-net40'), async (spec, target) => {
        const i = n++;
        const source = join(dir, `source${i}.db`);
        const copy = join(dir, `copy${i}.db`);
        const first = join(dir, `first${i}.xml`);
        const second = join(dir, `second${i}.xml`);
        await writeMachine(source, buildMachine(spec));
        const exported = await mb(source, 'export', '--out', first);
        expect(exported.exit, exported.stderr).toBe(0);
        expect((await mb(copy, 'init', '--profile', target)).exit).toBe(0);
        const imported = await mb(copy, 'import', first);
        expect(imported.exit, imported.stderr).toBe(0);
        expect((await mb(copy, 'export', '--out', second)).exit).toBe(0);
        expect(readFileSync(second, 'utf8')).toBe(readFileSync(first, 'utf8'));
        const doctor = await mb(copy, 'doctor', '--json');
        const errors = (JSON.parse(doctor.stdout) as { severity: string }[]).filter((p) => p.severity === 'error');
        // The random machines hold AppPoolIds naming missing pools on purpose; nothing else may be wrong.
        const expected = (JSON.parse((await mb(source, 'doctor', '--json')).stdout) as { severity: string; code: string }[]).filter(
          (p) => p.severity === 'error' && p.code === 'missing-pool',
        );
        expect(errors).toEqual(expected);
      }),
      { numRuns: 25 },
    );
  }, 60_000);
});
