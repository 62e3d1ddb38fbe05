import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { fixedClock } from '../../src/app/clock.js';
import { generateMachine } from '../../src/app/generate.js';
import { openMachine } from '../../src/app/machine-file.js';
import { generateHostingServer } from '../../src/iis/generate.js';
import { Draft, type MachineState } from '../../src/machine/machine.js';
import { describeChange, describeChanges } from '../../src/app/commit.js';
import { property } from '../../src/metabase/metabase.js';
import { loadMachine } from '../../src/store/machine-repo.js';
import type { FrameworkVersion } from '../../src/regiis/frameworks.js';
import { regiis, test } from '../support/fixtures.js';
import { tool } from '../support/builders.js';

/**
 * The store reads a machine lazily, shares lists between keys and writes with raw statements: none of that
 * may change what a run does. These tests hold the store to the pure core on a generated hosting server.
 */

const clock = fixedClock('2026-01-01T00:00:00.000Z');
const SERVER = { sites: 30, seed: 11 };

async function generated(db: string): Promise<void> {
  const store = await openMachine(db, clock);
  try {
    await generateMachine(store, SERVER, clock, 'metabase generate');
  } finally {
    await store.close();
  }
}

/** A machine as plain data: every key with its properties in order, the frameworks, files and services. */
function snapshot(state: MachineState) {
  return {
    keys: [...state.metabase.all()].map((k) => ({ path: k.path, type: k.keyType, comments: k.comments, properties: [...k.properties.entries()] })),
    frameworks: [...state.frameworks.values()].sort((a, b) => a.version.localeCompare(b.version)),
    directories: [...state.directories.entries()].sort(),
    services: state.services,
    setupLogCounter: state.setupLogCounter,
    grants: state.grants,
  };
}

/** The machine in a file, as plain data (read inside the transaction: a lazy state reads as it goes). */
async function stored(db: string, lazy: boolean) {
  const store = await openMachine(db, clock);
  try {
    return await store.read(async () => snapshot((await loadMachine(store.sqlite, { lazy })).state));
  } finally {
    await store.close();
  }
}

describe('a generated server in the store', () => {
  test('reads the same lazily as all at once, and shares each list between the keys that hold it', async ({ db }) => {
    await generated(db);
    const eager = await stored(db, false);
    expect(await stored(db, true)).toEqual(eager);
    expect(eager).toEqual(snapshot(generateHostingServer(SERVER).state));

    const lists = eager.keys.flatMap((k) => k.properties.filter(([id]) => id === 'scriptmaps').map(([, p]) => p.value));
    expect(lists.every((l) => Object.isFrozen(l))).toBe(true);
    expect(new Set(lists).size).toBe(new Set(lists.map((l) => JSON.stringify(l))).size);
  });

  test('the lazy file system answers one by one, then all at once, as the loaded one does', async ({ db }) => {
    await generated(db);
    const store = await openMachine(db, clock);
    try {
      await store.read(async () => {
        const eager = (await loadMachine(store.sqlite)).state;
        const lazy = (await loadMachine(store.sqlite, { lazy: true })).state.directories;
        // More questions than it answers one by one, half of them about directories that do not exist.
        const asked = [...eager.directories.keys()].slice(0, 200).flatMap((lc) => [lc, `${lc}\\missing`]);
        // "Does it exist" past the point where every name is read at once; the paths after that.
        for (const lc of asked) expect(lazy.has(lc)).toBe(eager.directories.has(lc));
        for (const lc of asked) expect(lazy.get(lc)).toBe(eager.directories.get(lc));
        // A plan's copy answers from the same rows, and changes to the original do not reach it.
        const copy = (lazy as Map<string, string> & { copy(): Map<string, string> }).copy();
        lazy.set('z:\\copied', 'Z:\\Copied');
        expect(copy.has('z:\\copied')).toBe(false);
        expect(lazy.delete('z:\\copied')).toBe(true);
        for (const lc of asked) expect(copy.has(lc)).toBe(eager.directories.has(lc));
        expect([...lazy]).toEqual([...eager.directories]);
        expect([...copy]).toEqual([...eager.directories]);
        lazy.set('z:\\new', 'Z:\\New');
        expect(lazy.delete('z:\\new')).toBe(true);
        expect(lazy.size).toBe(eager.directories.size);
      });
    } finally {
      await store.close();
    }
  });

  test('the lazy file system keeps changes aside and orders them as a Map changed after loading', async ({ db }) => {
    const store = await openMachine(db, clock);
    try {
      await generateMachine(store, { sites: 3, seed: 2 }, clock, 'metabase generate');
      await store.read(async () => {
        const existing = [...(await loadMachine(store.sqlite)).state.directories.keys()].slice(0, 6);
        const candidates = [...existing, 'z:\\a', 'z:\\b', 'z:\\c'];
        const op = fc.tuple(fc.constantFrom('set', 'delete', 'get'), fc.constantFrom(...candidates), fc.nat(3));
        await fc.assert(
          fc.asyncProperty(fc.array(op, { maxLength: 15 }), fc.nat(15), async (ops, listAt) => {
            const plain = new Map((await loadMachine(store.sqlite)).state.directories);
            const lazy = (await loadMachine(store.sqlite, { lazy: true })).state.directories;
            for (const [i, [kind, lc, n]] of ops.entries()) {
              if (i === listAt) expect([...lazy]).toEqual([...plain]);
              if (kind === 'set') {
                lazy.set(lc, `${lc.toUpperCase()}#${n}`);
                plain.set(lc, `${lc.toUpperCase()}#${n}`);
              } else if (kind === 'delete') {
                expect(lazy.delete(lc)).toBe(plain.delete(lc));
              } else {
                expect(lazy.get(lc)).toBe(plain.get(lc));
              }
            }
            expect([...lazy]).toEqual([...plain]);
          }),
          { numRuns: 60 },
        );
      });
    } finally {
      await store.close();
    }
  });

  const runs: [FrameworkVersion | undefined, string[], string[]?][] = [
    [undefined, ['-r']],
    [undefined, ['-k', 'W3SVC']],
    [undefined, ['-u']],
    [undefined, ['-i']],
    [undefined, ['-ir']],
    [undefined, ['-s', 'W3SVC/1/ROOT']],
    [undefined, ['-s', 'W3SVC', '-norestart']],
    [undefined, ['-ua']],
    [undefined, ['-e']],
    [undefined, ['-lk']],
    ['2.0.50727', ['-i']],
    ['2.0.50727', ['-r']],
    ['1.1.4322', ['-u']],
    ['1.1.4322', ['-s', 'W3SVC']],
  ];
  // With --detailed-exitcode the run also copies and diffs the machine (its plan); without, it skips that.
  runs.push([undefined, ['-r'], ['--detailed-exitcode']], [undefined, ['-k', 'W3SVC'], ['--detailed-exitcode']]);
  for (const [framework, words, emulator = []] of runs) {
    test(`aspnet_regiis ${[...emulator, ...(framework ? ['--framework', framework] : []), ...words].join(' ')} leaves what the pure run leaves`, async ({ db }) => {
      await generated(db);
      const ran = await regiis(db, ...emulator, ...(framework ? ['--framework', framework] : []), ...words);

      const d = new Draft(generateHostingServer(SERVER).state);
      const outcome = tool(d, framework ?? '4.0.30319', ...words);
      expect(ran.exit).toBe(emulator.includes('--detailed-exitcode') && d.changed ? 2 : outcome.exitCode);
      expect(ran.stdout).toBe(outcome.stdout.map((l) => `${l}\n`).join(''));
      expect(await stored(db, false)).toEqual(snapshot(d.state));
    });
  }
});

describe('describeChanges', () => {
  const long = Object.freeze(Array.from({ length: 20 }, (_, i) => `.e${i},C:\\WINDOWS\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_isapi.dll,1`));
  const other = Object.freeze(['.asp,C:\\WINDOWS\\system32\\inetsrv\\asp.dll,5']);

  test('words a run of single changes exactly as describeChange does', () => {
    const d = new Draft(generateHostingServer({ sites: 2, seed: 1 }).state);
    d.setProperty('/LM/W3SVC/1/ROOT', property('ScriptMaps', long));
    d.setProperty('/LM/W3SVC/1/ROOT', property('AppPoolId', 'Other'));
    d.deleteProperty('/LM/W3SVC/1/ROOT', 'AppFriendlyName');
    expect(describeChanges(d.changes)).toEqual(d.changes.map(describeChange));
  });

  test('writes a long value several changes share once, and names it in each', () => {
    const d = new Draft(generateHostingServer({ sites: 2, seed: 1 }).state);
    const roots = [...d.metabase.all()].filter((k) => k.path.endsWith('/ROOT')).map((k) => k.path);
    for (const path of roots) d.setProperty(path, property('HttpCustomHeaders', long));
    d.setProperty(roots[0]!, property('HttpCustomHeaders', other));
    const lines = describeChanges(d.changes);
    expect(lines[0]).toEqual({ kind: 'value', text: `value #1 = ${JSON.stringify(long)}` });
    expect(lines.filter((l) => l.kind === 'value')).toHaveLength(1);
    expect(lines.slice(1, -1).map((l) => l.text)).toEqual(roots.map((path) => `set ${path} HttpCustomHeaders: (none) -> #1`));
    expect(lines[lines.length - 1]!.text).toBe(`set ${roots[0]} HttpCustomHeaders: #1 -> ${JSON.stringify(other)}`);
  });
});
