import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Draft, type MachineState } from '../../src/machine/machine.js';
import { isAtOrBelow, toKeyPath, toolPath } from '../../src/metabase/paths.js';
import { parseToolArgs } from '../../src/regiis/args.js';
import { type FrameworkVersion, fourPart } from '../../src/regiis/frameworks.js';
import { type ToolOutcome, runTool } from '../../src/regiis/tool.js';
import { buildMachine, cloneState, commandSpec, commandWords, describeState, machineSpec, replay } from '../support/arbitraries.js';

/**
 * Invariants of the tool's options over random machines and random sequences of commands (pure: Draft and
 * runTool). The oracle below reads ScriptMaps entries on its own, not through src/metabase/scriptmaps.ts.
 */

/** The ASP.NET versions a list names, by its own reading of machine.md §2. */
function aspNetVersions(list: readonly string[]): string[] {
  const versions: string[] = [];
  for (const entry of list) {
    const processor = entry.split(',')[1] ?? '';
    const parts = processor.split(/[\\/]/);
    if ((parts[parts.length - 1] ?? '').toLowerCase() !== 'aspnet_isapi.dll') continue;
    const folder = /^v(\d+)\.(\d+)\.(\d+)$/i.exec(parts[parts.length - 2] ?? '');
    versions.push(folder ? `${Number(folder[1])}.${Number(folder[2])}.${Number(folder[3])}` : '0.0.0');
  }
  return versions;
}
const numeric = (v: string) => v.split('.').map(Number);
const cmp = (a: string, b: string) => {
  const [x, y] = [numeric(a), numeric(b)];
  for (let i = 0; i < 3; i++) if (x[i]! !== y[i]!) return x[i]! - y[i]!;
  return 0;
};
const top = (versions: string[]) => [...versions].sort(cmp).pop();

/** Keys holding an explicit ScriptMaps list, with its ASP.NET versions. */
function explicitLists(state: MachineState): { path: string; versions: string[] }[] {
  return [...state.metabase.all()].flatMap((key) => {
    const prop = key.properties.get('scriptmaps');
    if (!prop) return [];
    return [{ path: key.path, versions: aspNetVersions(typeof prop.value === 'string' ? [prop.value] : prop.value) }];
  });
}

/** The one case where the tool fails after changing things, on purpose (aspnet_regiis.md, Errors). */
const partialFailure = (outcome: ToolOutcome) => outcome.stdout.some((line) => line.startsWith('Setup has detected some errors'));

interface Step {
  readonly words: string[];
  readonly tool: FrameworkVersion;
  readonly before: MachineState;
  readonly draft: Draft;
  readonly outcome: ToolOutcome;
  readonly target: string | undefined;
}

/** Runs a random sequence of commands and hands each step to `check`. */
function playSequence(check: (step: Step) => void) {
  return fc.property(machineSpec, fc.array(commandSpec, { minLength: 1, maxLength: 6 }), (spec, commands) => {
    const state = buildMachine(spec);
    for (const command of commands) {
      const words = commandWords(state, command);
      const parsed = parseToolArgs(words, command.tool, state.os === 'win2000');
      if (!parsed.ok) continue;
      const before = cloneState(state);
      const draft = new Draft(state);
      const outcome = runTool(draft, parsed.command, command.tool);
      const target = parsed.command.argument === undefined ? undefined : toKeyPath(parsed.command.argument);
      check({ words, tool: command.tool, before, draft, outcome, target });
    }
  });
}

const RUNS = { numRuns: 250 };

describe('invariants of aspnet_regiis over random machines and command sequences', () => {
  test('-lk lists exactly the keys whose explicit list has ASP.NET entries, with the list version, parents first', () => {
    fc.assert(
      fc.property(machineSpec, commandSpec, (spec, tool) => {
        const state = buildMachine(spec);
        const outcome = runTool(new Draft(state), { action: 'lk', typed: '-lk', argument: undefined, extension: undefined, norestart: false }, tool.tool);
        const expected = explicitLists(state)
          .filter((k) => k.versions.length > 0)
          .map((k) => `${toolPath(k.path)}/\t${fourPart(top(k.versions)!)}`);
        expect(outcome.stdout.filter((l) => l.includes('\t'))).toEqual(expected);
      }),
      RUNS,
    );
  });

  test('the changes a run records replay to exactly the machine it leaves', () => {
    fc.assert(
      playSequence(({ words, before, draft }) => {
        const replayed = cloneState(before);
        replay(replayed, draft.changes);
        expect(describeState(replayed), words.join(' ')).toBe(describeState(draft.state));
      }),
      RUNS,
    );
  });

  test('a command that fails changes nothing and records no change (but the setup-log partial failure)', () => {
    fc.assert(
      playSequence(({ words, before, draft, outcome }) => {
        if (outcome.exitCode === 0 || partialFailure(outcome)) return;
        expect(draft.changes, words.join(' ')).toEqual([]);
        expect(describeState(draft.state), words.join(' ')).toBe(describeState(before));
        expect(outcome.restarted, words.join(' ')).toBe(false);
      }),
      RUNS,
    );
  });

  test('after -s P / -sn P with tool W, P is on W alone, and nothing at or below P (-s) is on a version lower than W', () => {
    fc.assert(
      playSequence(({ words, tool, draft, outcome, target }) => {
        if ((words[0] !== '-s' && words[0] !== '-sn') || outcome.exitCode !== 0) return;
        const lists = explicitLists(draft.state);
        const atP = lists.find((k) => k.path.toLowerCase() === target!.toLowerCase());
        expect(atP, words.join(' ')).toBeDefined();
        expect([...new Set(atP!.versions)], words.join(' ')).toEqual([tool]);
        if (words[0] === '-s') {
          for (const k of lists.filter((l) => isAtOrBelow(l.path, target!) && l.versions.length > 0)) {
            expect(cmp(top(k.versions)!, tool), `${words.join(' ')}: ${k.path}`).toBeGreaterThanOrEqual(0);
          }
        }
      }),
      RUNS,
    );
  });

  test('after -k P no key at or below P holds ASP.NET entries; after -kn P, P holds none', () => {
    fc.assert(
      playSequence(({ words, draft, outcome, target }) => {
        if ((words[0] !== '-k' && words[0] !== '-kn') || outcome.exitCode !== 0) return;
        for (const k of explicitLists(draft.state)) {
          const hit = words[0] === '-k' ? isAtOrBelow(k.path, target!) : k.path.toLowerCase() === target!.toLowerCase();
          if (hit) expect(k.versions, `${words.join(' ')}: ${k.path}`).toEqual([]);
        }
      }),
      RUNS,
    );
  });

  test('after -u of a registered W no key is on W, W is not registered, and -lv does not list it', () => {
    fc.assert(
      playSequence(({ words, tool, before, draft, outcome }) => {
        if (words[0] !== '-u' || outcome.exitCode !== 0 || !before.frameworks.get(tool)?.registered) return;
        for (const k of explicitLists(draft.state)) expect(top(k.versions), `${words.join(' ')}: ${k.path}`).not.toBe(tool);
        expect(draft.state.frameworks.get(tool)?.registered).toBe(false);
        const lv = runTool(new Draft(draft.state), { action: 'lv', typed: '-lv', argument: undefined, extension: undefined, norestart: false }, tool);
        expect(lv.stdout.join('\n')).not.toContain(fourPart(tool));
      }),
      RUNS,
    );
  });

  test('after -r with tool W, W is registered and every list with ASP.NET entries (the root too) is on W alone', () => {
    fc.assert(
      playSequence(({ words, tool, draft, outcome }) => {
        if (words[0] !== '-r' || partialFailure(outcome)) return;
        expect(outcome.exitCode).toBe(0);
        expect(draft.state.frameworks.get(tool)?.registered).toBe(true);
        const lists = explicitLists(draft.state).filter((k) => k.versions.length > 0);
        if (draft.state.metabase.has('/LM/W3SVC')) expect(lists.some((k) => k.path === '/LM/W3SVC')).toBe(true);
        for (const k of lists) expect([...new Set(k.versions)], `${words.join(' ')}: ${k.path}`).toEqual([tool]);
      }),
      RUNS,
    );
  });

  test('after -ua no list holds ASP.NET entries and no version is registered', () => {
    fc.assert(
      playSequence(({ words, draft, outcome }) => {
        if (words[0] !== '-ua' || outcome.exitCode !== 0) return;
        for (const k of explicitLists(draft.state)) expect(k.versions, k.path).toEqual([]);
        expect([...draft.state.frameworks.values()].filter((f) => f.registered)).toEqual([]);
      }),
      RUNS,
    );
  });
});
