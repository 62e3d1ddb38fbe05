import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { type SuiteResult, junitXml, summaryLine, tapLines, totals } from '../../src/playbook/report.js';

const suites: SuiteResult[] = [
  {
    name: 'pin <App> & "upgrade"',
    file: 'scenarios/01.yaml',
    cases: [
      { name: 'step 1: aspnet_regiis -lv', status: 'passed', details: [] },
      { name: 'step 2: aspnet_regiis -s W3SVC/1/ROOT/Nope', status: 'failed', details: ['exited 1, expected 0', 'stdout line 1: expected "a\\tb", got "\u0001x"'] },
    ],
  },
  { name: 'up.cmd', file: 'up.cmd', cases: [{ name: 'line 3: net stop w3svc # 1', status: 'skipped', details: ['warning: skipped: the command net is not emulated'] }] },
];

interface Element {
  name: string;
  attributes: Record<string, string>;
  text: string;
  children: Element[];
}

/** Reads JUnit XML back with a conforming XML parser: any well-formedness error throws. */
function readXml(xml: string): Element {
  const parser = new SaxesParser();
  const stack: Element[] = [{ name: '#document', attributes: {}, text: '', children: [] }];
  parser.on('error', (error) => {
    throw error;
  });
  parser.on('opentag', (tag) => {
    const element: Element = { name: tag.name, attributes: tag.attributes as Record<string, string>, text: '', children: [] };
    stack[stack.length - 1]!.children.push(element);
    stack.push(element);
  });
  parser.on('text', (text) => void (stack[stack.length - 1]!.text += text));
  parser.on('closetag', () => void stack.pop());
  parser.write(xml).close();
  return stack[0]!.children[0]!;
}

describe('reports', () => {
  it('counts and the closing line', () => {
    expect(totals(suites)).toEqual({ passed: 1, failed: 1, skipped: 1 });
    expect(summaryLine(totals(suites))).toBe('1 passed, 1 failed, 1 skipped');
    expect(summaryLine({ passed: 3, failed: 0, skipped: 0 })).toBe('3 passed, 0 failed');
  });

  it('JUnit XML that an XML reader accepts, with suites, cases, failures and skips', () => {
    const root = readXml(junitXml(suites));
    expect(root.name).toBe('testsuites');
    expect(root.attributes).toMatchObject({ tests: '3', failures: '1', skipped: '1', errors: '0' });
    const [scenario, batch] = root.children;
    expect(scenario!.attributes).toMatchObject({ name: 'pin <App> & "upgrade"', file: 'scenarios/01.yaml', tests: '2', failures: '1' });
    expect(scenario!.children.map((c) => c.attributes.name)).toEqual(['step 1: aspnet_regiis -lv', 'step 2: aspnet_regiis -s W3SVC/1/ROOT/Nope']);
    expect(scenario!.children[0]!.children).toEqual([]);
    const failure = scenario!.children[1]!.children[0]!;
    expect(failure.name).toBe('failure');
    expect(failure.attributes.message).toBe('exited 1, expected 0');
    // A control character XML cannot hold is replaced, the rest is kept.
    expect(failure.text).toBe('exited 1, expected 0\nstdout line 1: expected "a\\tb", got "\uFFFDx"');
    expect(batch!.children[0]!.children[0]!.name).toBe('skipped');
  });

  it('TAP 13: a point per case, a SKIP directive, failure details as YAML, the plan and the totals at the end', () => {
    const lines = tapLines(suites);
    expect(lines[0]).toBe('TAP version 13');
    expect(lines).toContain('ok 1 - step 1: aspnet_regiis -lv');
    expect(lines).toContain('not ok 2 - step 2: aspnet_regiis -s W3SVC/1/ROOT/Nope');
    expect(lines).toContain('ok 3 - line 3: net stop w3svc \\# 1 # SKIP warning: skipped: the command net is not emulated');
    expect(lines).toContain('    exited 1, expected 0');
    expect(lines.slice(-2)).toEqual(['1..3', '# 1 passed, 1 failed, 1 skipped']);
  });
});
