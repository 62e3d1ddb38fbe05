import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/playbook/scenario.js';

const problems = (text: string) => {
  const parsed = parseScenario(text, 'x.yaml');
  if (parsed.ok) throw new Error('expected problems');
  return parsed.problems;
};

describe('reading scenarios', () => {
  it('reads the example of the contract, keeping versions as typed', () => {
    const parsed = parseScenario(
      [
        'name: move App',
        'machine: { profile: win2003-net20 }',
        'steps:',
        '  - run: aspnet_regiis --framework 2.0 -s W3SVC/1/ROOT/App',
        '    expect:',
        '      exit: 0',
        '      stdout: |',
        '        Start registering.',
        '  - play: upgrade.cmd',
        '  - expect:',
        '      versions: { W3SVC/1/ROOT/App: 2.0.50727, W3SVC/1/ROOT: 4.0 }',
        '      check: { errors: 0 }',
        '      events: { contains: "Restarting W3SVC" }',
        '      request: { url: "http://localhost/App/default.aspx", status: 404.2, clr: 2.0.50727 }',
        'idempotent: true',
      ].join('\n'),
      'x.yaml',
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const { scenario } = parsed;
    expect(scenario.machine).toEqual({ kind: 'profile', name: 'win2003-net20' });
    expect(scenario.idempotent).toBe(true);
    expect(scenario.steps.map((s) => s.line)).toEqual([4, 9, 10]);
    expect(scenario.steps[0]!.expect).toMatchObject({ exit: 0, stdout: 'Start registering.\n' });
    expect(scenario.steps[1]!.play).toBe('upgrade.cmd');
    expect(scenario.steps[2]!.expect).toMatchObject({
      versions: [
        { path: 'W3SVC/1/ROOT/App', version: '2.0.50727' },
        { path: 'W3SVC/1/ROOT', version: '4.0' },
      ],
      check: { errors: 0 },
      events: { contains: 'Restarting W3SVC', log: 'application' },
      request: { url: 'http://localhost/App/default.aspx', status: '404.2', clr: '2.0.50727' },
    });
  });

  it('a missing machine is the default profile; a missing name is the file name', () => {
    const parsed = parseScenario('steps:\n  - run: aspnet_regiis -lv\n', 'a.yaml');
    expect(parsed).toMatchObject({ ok: true, scenario: { name: 'a.yaml', machine: { kind: 'profile', name: 'win2003' }, idempotent: false } });
  });

  it('malformed YAML: its line and the parser reason', () => {
    expect(problems('name: x\nsteps:\n  - run: "aspnet_regiis -lv\n  - run: b\n')).toEqual([{ line: 5, reason: expect.stringContaining('Missing closing "quote') }]);
    expect(problems('name: x\nname: y\nsteps: []\n')[0]).toMatchObject({ line: 2, reason: expect.stringContaining('unique') });
  });

  it('an unknown key, at the top, in a step or in expect, with its line', () => {
    expect(problems('name: x\nstep:\n  - run: aspnet_regiis -lv\n')).toEqual([
      { line: 2, reason: expect.stringContaining('unknown key "step"') },
      { line: 1, reason: 'scenario: no steps' },
    ]);
    expect(problems('steps:\n  - run: aspnet_regiis -lv\n    expect: { exit: 0 }\n  - runn: aspnet_regiis -lk\n')).toEqual([
      { line: 4, reason: 'step: unknown key "runn" (expected one of: run, play, expect)' },
    ]);
    expect(problems('steps:\n  - expect:\n      stdout_contain: [x]\n')).toEqual([{ line: 3, reason: expect.stringContaining('unknown key "stdout_contain"') }]);
    // Output is checked where a command runs.
    expect(problems('steps:\n  - expect: { stdout: "x" }\n')[0]!.reason).toBe('expect (on a step that runs nothing): unknown key "stdout" (expected one of: versions, check, events, request)');
  });

  it('state expectations only on steps that run nothing', () => {
    expect(problems('steps:\n  - run: aspnet_regiis -lv\n    expect: { versions: { W3SVC: 1.1.4322 } }\n')[0]!.reason).toMatch(/unknown key "versions"/);
  });

  it('refuses run lines that are not one of the two programs, bad numbers and bad machines', () => {
    expect(problems('steps:\n  - run: cmd /c del x\n')[0]).toMatchObject({ line: 2, reason: expect.stringContaining('never a shell') });
    expect(problems('steps:\n  - run: aspnet_regiis "-lv\n')[0]!.reason).toMatch(/unterminated quote/);
    expect(problems('steps:\n  - run: aspnet_regiis -lv\n    expect: { exit: one }\n')[0]!.reason).toMatch(/whole number/);
    expect(problems('machine: { profile: win95 }\nsteps: [ { run: aspnet_regiis -lv } ]\n')[0]!.reason).toMatch(/no profile named win95/);
    expect(problems('machine: { profile: win2003, snapshot: a }\nsteps: [ { run: aspnet_regiis -lv } ]\n')[0]!.reason).toMatch(/exactly one/);
    expect(problems('steps:\n  - run: aspnet_regiis -lv\n    play: x.cmd\n')[0]!.reason).toMatch(/not both/);
    expect(problems('steps:\n  - play: x.sh\n')[0]!.reason).toMatch(/not a batch playbook/);
  });

  it('a snapshot name with path characters is refused with its line', () => {
    expect(problems('name: x\nmachine:\n  snapshot: ../other\nsteps: [ { run: aspnet_regiis -lv } ]\n')).toEqual([
      { line: 3, reason: expect.stringMatching(/snapshot "..\/other": a snapshot name cannot contain \//) },
    ]);
  });
});
