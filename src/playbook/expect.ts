import type { Expectations } from './scenario.js';

/**
 * A scenario step's expectations against what happened (metabase-cli.md, "Playbooks"). Pure: each check
 * returns the reasons it failed, one line each; none means it held.
 */

export interface Ran {
  readonly exit: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Shows a text with its line ends and tabs visible, cut when long. */
export function shown(text: string, max = 200): string {
  const json = JSON.stringify(text);
  return json.length > max ? `${json.slice(0, max)}..."` : json;
}

/** The first line where two outputs part, for a readable failure. */
function firstDifference(want: string, got: string): string {
  const a = want.split('\n');
  const b = got.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      return `stdout line ${i + 1}: expected ${a[i] === undefined ? '(no line)' : shown(a[i]!)}, got ${b[i] === undefined ? '(no line)' : shown(b[i]!)}`;
    }
  }
  return 'stdout differs';
}

/**
 * exit, stdout (exact), stdout_contains, stdout_not_contains, stderr_contains. A step with no `expect` at all
 * must exit 0; `exit` is checked only when given.
 */
export function checkRun(expect: Expectations | undefined, ran: Ran): string[] {
  const failures: string[] = [];
  if (expect === undefined) {
    if (ran.exit !== 0) failures.push(`exited ${ran.exit}, expected 0`);
    return failures;
  }
  if (expect.exit !== undefined && ran.exit !== expect.exit) failures.push(`exited ${ran.exit}, expected ${expect.exit}`);
  if (expect.stdout !== undefined && ran.stdout !== expect.stdout) failures.push(firstDifference(expect.stdout, ran.stdout));
  for (const text of expect.stdoutContains) if (!ran.stdout.includes(text)) failures.push(`stdout does not contain ${shown(text)}`);
  for (const text of expect.stdoutNotContains) if (ran.stdout.includes(text)) failures.push(`stdout contains ${shown(text)}`);
  for (const text of expect.stderrContains) if (!ran.stderr.includes(text)) failures.push(`stderr does not contain ${shown(text)}`);
  return failures;
}

/** `versions`: each key's effective version; a key that does not exist fails the step. */
export function checkVersions(expected: Expectations['versions'], got: ReadonlyMap<string, string | undefined>): string[] {
  const failures: string[] = [];
  for (const { path, version } of expected) {
    const actual = got.get(path);
    if (actual === undefined) failures.push(`versions: key ${path} does not exist`);
    else if (actual.toLowerCase() !== version.toLowerCase()) failures.push(`versions: ${path} is on ${actual}, expected ${version}`);
  }
  return failures;
}

/** `check`: the number of error and warning findings of `metabase check --json`. */
export function checkFindings(expected: NonNullable<Expectations['check']>, ran: Ran): string[] {
  if (ran.exit !== 0 && ran.exit !== 1) return [`metabase check exited ${ran.exit}: ${ran.stderr.trim()}`];
  let findings: { severity?: unknown }[];
  try {
    findings = JSON.parse(ran.stdout) as { severity?: unknown }[];
    if (!Array.isArray(findings)) throw new TypeError('not a list');
  } catch {
    return [`metabase check --json printed no list of findings: ${shown(ran.stdout)} ${ran.stderr.trim()}`.trim()];
  }
  const failures: string[] = [];
  for (const severity of ['error', 'warning'] as const) {
    const want = severity === 'error' ? expected.errors : expected.warnings;
    const count = findings.filter((f) => f.severity === severity).length;
    if (want !== undefined && count !== want) failures.push(`check: ${count} ${severity}${count === 1 ? '' : 's'}, expected ${want}`);
  }
  return failures;
}

/** `events: { contains }`: some entry of the log holds the text. */
export function checkEvents(expected: NonNullable<Expectations['events']>, ran: Ran): string[] {
  if (ran.exit !== 0) return [`metabase events exited ${ran.exit}: ${ran.stderr.trim()}`];
  return ran.stdout.includes(expected.contains) ? [] : [`events: the ${expected.log} log holds no ${shown(expected.contains)}`];
}

/** `request: { url, status, clr }`: the status the simulated request got, and the CLR that served it. */
export function checkRequest(expected: NonNullable<Expectations['request']>, ran: Ran): string[] {
  if (ran.exit !== 0) return [`metabase request ${expected.url} exited ${ran.exit}: ${ran.stderr.trim()}`];
  const line = ran.stdout.split('\n')[0] ?? '';
  const failures: string[] = [];
  if (expected.status !== undefined && line.split(' ')[0] !== expected.status) failures.push(`request ${expected.url}: got ${shown(line)}, expected status ${expected.status}`);
  if (expected.clr !== undefined && !line.includes(expected.clr)) failures.push(`request ${expected.url}: got ${shown(line)}, expected CLR ${expected.clr}`);
  return failures;
}

/** `idempotent: true`: keys whose explicit ScriptMaps differ between the first pass and the second. */
export function checkIdempotent(first: ReadonlyMap<string, { path: string; list: string }>, second: ReadonlyMap<string, { path: string; list: string }>): string[] {
  const failures: string[] = [];
  for (const id of new Set([...first.keys(), ...second.keys()])) {
    const a = first.get(id);
    const b = second.get(id);
    if (a?.list === b?.list) continue;
    failures.push(`the second pass changed the ScriptMaps of ${(b ?? a)!.path}${a === undefined ? ' (it had none)' : b === undefined ? ' (it lost them)' : ''}`);
  }
  return failures;
}
