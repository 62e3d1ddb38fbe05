import { LineCounter, type Node, type Pair, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { isProfileName, PROFILES } from '../machine/profiles.js';
import { snapshotNameProblem } from '../machine/snapshot-name.js';
import { splitWords } from './words.js';

/**
 * Scenarios (`.yaml`; metabase-cli.md, "Playbooks"): a starting machine, steps, expectations. Read strictly:
 * every scalar is read as text (YAML's failsafe schema, so `4.0` stays `4.0`), every key must be one the
 * contract names, and each problem is reported with its line.
 */

export type ScenarioMachine =
  | { readonly kind: 'profile'; readonly name: string }
  /** `line`: where the file is named, for a message when it is missing. */
  | { readonly kind: 'import'; readonly file: string; readonly line: number }
  | { readonly kind: 'snapshot'; readonly name: string };

export interface Expectations {
  readonly exit?: number;
  readonly stdout?: string;
  readonly stdoutContains: readonly string[];
  readonly stdoutNotContains: readonly string[];
  readonly stderrContains: readonly string[];
  /** Key -> the version of its effective ScriptMaps (three-part, or `none`). */
  readonly versions: readonly { readonly path: string; readonly version: string }[];
  readonly check?: { readonly errors?: number; readonly warnings?: number };
  readonly events?: { readonly contains: string; readonly log: 'application' | 'audit' };
  readonly request?: { readonly url: string; readonly status?: string; readonly clr?: string; readonly verb?: string };
}

export interface ScenarioStep {
  readonly line: number;
  readonly run?: string;
  /** A batch playbook, relative to the scenario file. */
  readonly play?: string;
  /** Absent when the step gives no `expect` (it must then exit 0). */
  readonly expect?: Expectations;
}

export interface Scenario {
  readonly name: string;
  readonly machine: ScenarioMachine;
  readonly steps: readonly ScenarioStep[];
  readonly idempotent: boolean;
}

export interface Problem {
  readonly line: number;
  readonly reason: string;
}

export type ParsedScenario = { readonly ok: true; readonly scenario: Scenario } | { readonly ok: false; readonly problems: readonly Problem[] };

const TOP_KEYS = ['name', 'machine', 'steps', 'idempotent'];
const MACHINE_KEYS = ['profile', 'import', 'snapshot'];
const STEP_KEYS = ['run', 'play', 'expect'];
const RUN_EXPECT_KEYS = ['exit', 'stdout', 'stdout_contains', 'stdout_not_contains', 'stderr_contains'];
const STATE_EXPECT_KEYS = ['versions', 'check', 'events', 'request'];
const PROGRAMS = ['aspnet_regiis', 'metabase'];

class Reader {
  readonly problems: Problem[] = [];
  constructor(private readonly lines: LineCounter) {}

  /** The line a node starts on (a pair: its key's). */
  lineOf(node: Node | Pair | null | undefined): number {
    const at = node && 'key' in node ? (node.key as Node | null) : node;
    const range = at && 'range' in at ? at.range : undefined;
    return range ? this.lines.linePos(range[0]).line : 1;
  }

  fail(node: Node | Pair | null | undefined, reason: string): undefined {
    this.problems.push({ line: this.lineOf(node), reason });
    return undefined;
  }

  text(node: unknown, what: string, at: Node | Pair): string | undefined {
    if (isScalar(node) && typeof node.value === 'string') return node.value;
    return this.fail((node as Node | null) ?? at, `${what}: expected text`);
  }

  count(node: unknown, what: string, at: Node | Pair): number | undefined {
    const t = this.text(node, what, at);
    if (t === undefined) return undefined;
    if (!/^\d+$/.test(t.trim())) return this.fail(node as Node, `${what}: expected a whole number, not ${JSON.stringify(t)}`);
    return Number(t.trim());
  }

  /** The pairs of a map whose keys are all allowed; an unknown key is a problem. */
  pairs(node: unknown, what: string, allowed: readonly string[], at: Node | Pair): Map<string, Pair> | undefined {
    if (!isMap(node)) return this.fail((node as Node | null) ?? at, `${what}: expected a map of ${allowed.join(', ')}`);
    const found = new Map<string, Pair>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined || !allowed.includes(key)) {
        this.fail(pair.key as Node, `${what}: unknown key ${key === undefined ? '(not text)' : JSON.stringify(key)} (expected one of: ${allowed.join(', ')})`);
        continue;
      }
      found.set(key, pair);
    }
    return found;
  }

  texts(node: unknown, what: string, at: Node | Pair): string[] {
    if (isScalar(node)) {
      const t = this.text(node, what, at);
      return t === undefined ? [] : [t];
    }
    if (!isSeq(node)) return this.fail((node as Node | null) ?? at, `${what}: expected a list of texts`) ?? [];
    return node.items.flatMap((item) => {
      const t = this.text(item, what, at);
      return t === undefined ? [] : [t];
    });
  }
}

/** Reads a scenario's text; `fallbackName` names it when it has no `name`. */
export function parseScenario(text: string, fallbackName: string): ParsedScenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, schema: 'failsafe', uniqueKeys: true });
  const r = new Reader(lines);
  if (doc.errors.length > 0) {
    return { ok: false, problems: doc.errors.map((e) => ({ line: e.linePos?.[0].line ?? 1, reason: e.message.split(' at line ')[0]!.trim() })) };
  }
  const top = r.pairs(doc.contents, 'scenario', TOP_KEYS, doc.contents as Node);
  if (!top) return { ok: false, problems: r.problems };

  const namePair = top.get('name');
  const name = namePair ? r.text(namePair.value, 'name', namePair) : fallbackName;
  const machine = readMachine(r, top.get('machine'));
  const idemPair = top.get('idempotent');
  let idempotent = false;
  if (idemPair) {
    const t = r.text(idemPair.value, 'idempotent', idemPair);
    if (t !== undefined && !/^(true|false)$/i.test(t)) r.fail(idemPair.value as Node, `idempotent: expected true or false, not ${JSON.stringify(t)}`);
    idempotent = /^true$/i.test(t ?? '');
  }
  const stepsPair = top.get('steps');
  const steps: ScenarioStep[] = [];
  if (!stepsPair) r.fail(doc.contents as Node, 'scenario: no steps');
  else if (!isSeq(stepsPair.value)) r.fail(stepsPair.value as Node, 'steps: expected a list of steps');
  else for (const item of stepsPair.value.items) {
    const step = readStep(r, item as Node);
    if (step) steps.push(step);
  }
  if (r.problems.length > 0 || name === undefined || machine === undefined) return { ok: false, problems: r.problems };
  return { ok: true, scenario: { name, machine, steps, idempotent } };
}

function readMachine(r: Reader, pair: Pair | undefined): ScenarioMachine | undefined {
  if (!pair) return { kind: 'profile', name: 'win2003' };
  const m = r.pairs(pair.value, 'machine', MACHINE_KEYS, pair);
  if (!m) return undefined;
  if (m.size !== 1) return r.fail(pair.value as Node, 'machine: give exactly one of profile, import, snapshot');
  const [[kind, p]] = [...m] as [[string, Pair]];
  const value = r.text(p.value, `machine: ${kind}`, p);
  if (value === undefined) return undefined;
  if (kind === 'profile') {
    if (!isProfileName(value)) return r.fail(p.value as Node, `machine: no profile named ${value} (${Object.keys(PROFILES).join(', ')})`);
    return { kind, name: value };
  }
  if (kind === 'snapshot') {
    const problem = snapshotNameProblem(value);
    if (problem) return r.fail(p.value as Node, `machine: snapshot ${JSON.stringify(value)}: ${problem}`);
    return { kind, name: value };
  }
  return { kind: 'import', file: value, line: r.lineOf(p) };
}

function readStep(r: Reader, node: Node): ScenarioStep | undefined {
  const what = `step`;
  const keys = r.pairs(node, what, STEP_KEYS, node);
  if (!keys) return undefined;
  const line = r.lineOf(node);
  if (isMap(node) && node.items.length === 0) return r.fail(node, 'step: empty (give run, play or expect)');
  if (keys.size === 0) return undefined;
  const runPair = keys.get('run');
  const playPair = keys.get('play');
  if (runPair && playPair) return r.fail(node, 'step: give run or play, not both');
  let run: string | undefined;
  if (runPair) {
    run = r.text(runPair.value, 'run', runPair);
    if (run !== undefined) {
      let words: string[] = [];
      try {
        words = splitWords(run);
      } catch (error) {
        r.fail(runPair.value as Node, `run: ${(error as Error).message}`);
      }
      if (words.length > 0 && !PROGRAMS.includes(words[0]!)) {
        r.fail(runPair.value as Node, `run: ${JSON.stringify(words[0])} is not aspnet_regiis or metabase (a run line is one command of those, never a shell)`);
      } else if (words.length === 0) {
        r.fail(runPair.value as Node, 'run: empty command line');
      }
    }
  }
  let play: string | undefined;
  if (playPair) {
    play = r.text(playPair.value, 'play', playPair);
    if (play !== undefined && !/\.(cmd|bat)$/i.test(play.trim())) r.fail(playPair.value as Node, `play: ${play} is not a batch playbook (.cmd or .bat)`);
  }
  const expectPair = keys.get('expect');
  const expect = expectPair ? readExpect(r, expectPair, runPair !== undefined || playPair !== undefined) : undefined;
  return { line, ...(run !== undefined ? { run } : {}), ...(play !== undefined ? { play: play.trim() } : {}), ...(expect ? { expect } : {}) };
}

function readExpect(r: Reader, pair: Pair, runs: boolean): Expectations | undefined {
  // A command's output is checked on the step that runs it; the machine's state on a step that runs nothing.
  const allowed = runs ? RUN_EXPECT_KEYS : STATE_EXPECT_KEYS;
  const e = r.pairs(pair.value, runs ? 'expect (on a step that runs a command)' : 'expect (on a step that runs nothing)', allowed, pair);
  if (!e) {
    return undefined;
  }
  const get = (key: string) => e.get(key);
  const exitPair = get('exit');
  const stdoutPair = get('stdout');
  const out: {
    -readonly [K in keyof Expectations]: Expectations[K];
  } = {
    stdoutContains: get('stdout_contains') ? r.texts(get('stdout_contains')!.value, 'stdout_contains', get('stdout_contains')!) : [],
    stdoutNotContains: get('stdout_not_contains') ? r.texts(get('stdout_not_contains')!.value, 'stdout_not_contains', get('stdout_not_contains')!) : [],
    stderrContains: get('stderr_contains') ? r.texts(get('stderr_contains')!.value, 'stderr_contains', get('stderr_contains')!) : [],
    versions: [],
  };
  if (exitPair) {
    const exit = r.count(exitPair.value, 'exit', exitPair);
    if (exit !== undefined) out.exit = exit;
  }
  if (stdoutPair) {
    const stdout = r.text(stdoutPair.value, 'stdout', stdoutPair);
    if (stdout !== undefined) out.stdout = stdout;
  }
  const versionsPair = get('versions');
  if (versionsPair) {
    if (!isMap(versionsPair.value)) r.fail(versionsPair.value as Node, 'versions: expected a map of key -> version');
    else
      out.versions = versionsPair.value.items.flatMap((p) => {
        const path = r.text(p.key, 'versions: key', p);
        const version = r.text(p.value, `versions: ${path}`, p);
        return path === undefined || version === undefined ? [] : [{ path, version: version.trim() }];
      });
  }
  const checkPair = get('check');
  if (checkPair) {
    const c = r.pairs(checkPair.value, 'check', ['errors', 'warnings'], checkPair);
    if (c) {
      const check: { errors?: number; warnings?: number } = {};
      for (const [k, p] of c) {
        const n = r.count(p.value, `check: ${k}`, p);
        if (n !== undefined) check[k as 'errors' | 'warnings'] = n;
      }
      out.check = check;
    }
  }
  const eventsPair = get('events');
  if (eventsPair) {
    const ev = r.pairs(eventsPair.value, 'events', ['contains', 'log'], eventsPair);
    if (ev) {
      const contains = ev.get('contains') ? r.text(ev.get('contains')!.value, 'events: contains', ev.get('contains')!) : r.fail(eventsPair.value as Node, 'events: give contains');
      const log = ev.get('log') ? r.text(ev.get('log')!.value, 'events: log', ev.get('log')!) : 'application';
      if (log !== undefined && log !== 'application' && log !== 'audit') r.fail(ev.get('log')!.value as Node, 'events: log is application or audit');
      if (contains !== undefined) out.events = { contains, log: log === 'audit' ? 'audit' : 'application' };
    }
  }
  const requestPair = get('request');
  if (requestPair) {
    const rq = r.pairs(requestPair.value, 'request', ['url', 'status', 'clr', 'verb'], requestPair);
    if (rq) {
      const field = (k: string) => (rq.get(k) ? r.text(rq.get(k)!.value, `request: ${k}`, rq.get(k)!) : undefined);
      const url = field('url');
      if (url === undefined) r.fail(requestPair.value as Node, 'request: give url');
      else {
        const status = field('status');
        const clr = field('clr');
        const verb = field('verb');
        out.request = { url, ...(status !== undefined ? { status } : {}), ...(clr !== undefined ? { clr } : {}), ...(verb !== undefined ? { verb } : {}) };
      }
    }
  }
  return out;
}
