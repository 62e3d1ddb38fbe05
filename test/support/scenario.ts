import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { expect } from 'vitest';
import { splitWords } from '../../src/playbook/words.js';
import { listVersion } from '../../src/metabase/scriptmaps.js';
import { type Ran, run } from './console.js';

/**
 * A small reader of the golden scenarios (metabase-cli.md, "Playbooks"), enough to run them as tests
 * in-process: `run` steps with their expectations, and steps that check `versions` and `events`.
 */
interface Expect {
  exit?: number;
  stdout?: string;
  stdout_contains?: string[];
  stdout_not_contains?: string[];
  stderr_contains?: string[];
  versions?: Record<string, string>;
  check?: { errors?: number; warnings?: number };
  events?: { contains: string };
  request?: { url: string; status: number | string; clr?: string };
}

interface Step {
  run?: string;
  expect?: Expect;
}

export interface Scenario {
  name: string;
  machine: { profile?: string };
  steps: Step[];
}

export function readScenario(file: string): Scenario {
  return parse(readFileSync(file, 'utf8')) as Scenario;
}

async function runLine(db: string, line: string): Promise<Ran> {
  const [program, ...args] = splitWords(line);
  if (program !== 'aspnet_regiis' && program !== 'metabase') throw new Error(`not a command of this project: ${line}`);
  return run(program, db, args);
}

/** Plays a scenario on a fresh machine file and asserts every expectation. */
export async function playScenario(scenario: Scenario, db: string): Promise<void> {
  const init = await run('metabase', db, ['init', '--profile', scenario.machine.profile ?? 'win2003']);
  expect(init.exit, init.stderr).toBe(0);
  for (const [index, step] of scenario.steps.entries()) {
    const where = `step ${index + 1}${step.run ? `: ${step.run}` : ''}`;
    const want = step.expect;
    if (step.run !== undefined) {
      const got = await runLine(db, step.run);
      if (want === undefined) expect(got.exit, `${where}\n${got.stdout}${got.stderr}`).toBe(0);
      if (want?.exit !== undefined) expect(got.exit, `${where}\n${got.stdout}${got.stderr}`).toBe(want.exit);
      if (want?.stdout !== undefined) expect(got.stdout, where).toBe(want.stdout);
      for (const text of want?.stdout_contains ?? []) expect(got.stdout, where).toContain(text);
      for (const text of want?.stdout_not_contains ?? []) expect(got.stdout, where).not.toContain(text);
      for (const text of want?.stderr_contains ?? []) expect(got.stderr, where).toContain(text);
      continue;
    }
    for (const [key, version] of Object.entries(want?.versions ?? {})) {
      const got = await run('metabase', db, ['get', key, 'ScriptMaps', '--json']);
      const list = got.exit === 0 ? (JSON.parse(got.stdout) as string[]) : [];
      if (got.exit !== 0) {
        const exists = await run('metabase', db, ['get', key, '--json']);
        expect(exists.exit, `${where}: key ${key} does not exist`).toBe(0);
      }
      expect(listVersion(list) ?? 'none', `${where}: version of ${key}`).toBe(String(version));
    }
    if (want?.events) {
      const got = await run('metabase', db, ['events']);
      expect(got.stdout, where).toContain(want.events.contains);
    }
    if (want?.check) {
      const got = await run('metabase', db, ['check', '--json']);
      expect(got.exit === 0 || got.exit === 1, `${where}: ${got.stderr}`).toBe(true);
      const findings = JSON.parse(got.stdout) as { severity: string }[];
      if (want.check.errors !== undefined) expect(findings.filter((f) => f.severity === 'error').length, where).toBe(want.check.errors);
      if (want.check.warnings !== undefined) expect(findings.filter((f) => f.severity === 'warning').length, where).toBe(want.check.warnings);
    }
    if (want?.request) {
      const got = await run('metabase', db, ['request', want.request.url]);
      expect(got.stdout.startsWith(String(want.request.status)), `${where}: ${got.stdout}`).toBe(true);
      if (want.request.clr) expect(got.stdout, where).toContain(want.request.clr);
    }
  }
}
