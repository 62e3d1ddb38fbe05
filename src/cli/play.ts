import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { type Clock, fixedClock, systemClock } from '../app/clock.js';
import { openMachine } from '../app/machine-file.js';
import { explicitScriptMaps, machineFromSnapshot, runAdsutil, scriptMapVersions, windirOf } from '../app/playbook.js';
import type { Store } from '../store/open.js';
import { type BatchLine, applySet, batchEnvironment, batchLines, interpretLine, notEmulatedLines } from '../playbook/batch.js';
import { type Ran, checkEvents, checkFindings, checkIdempotent, checkRequest, checkRun, checkVersions } from '../playbook/expect.js';
import { type CaseResult, type SuiteResult, junitXml, summaryLine, tapLines, totals } from '../playbook/report.js';
import { type Scenario, type ScenarioStep, parseScenario } from '../playbook/scenario.js';
import { splitWords } from '../playbook/words.js';
import { main as aspnetRegiis } from './aspnet-regiis.js';
import { type Io, captureIo } from './io.js';

/**
 * `metabase play FILE...` (metabase-cli.md, "Playbooks"). Every file is read and checked first: a file that
 * cannot be read, a malformed scenario, or (without --keep-going) a batch line that is not emulated refuses
 * the whole run before anything changes. Then batches run on the `--db` machine, line by line as cmd.exe would,
 * and scenarios each on their own copy of a machine in a temporary file. Both programs run in-process through
 * their `main(argv, io)`, with the `REGIIS_*` variables of the environment hidden from them.
 */
export interface PlayOptions {
  readonly files: readonly string[];
  /** The machine file batches run on, and scenarios take `{ snapshot: NAME }` from. */
  readonly db: string;
  /** `--now`, given explicitly (REGIIS_NOW is not read here): passed to every step. */
  readonly now: string | undefined;
  readonly junit: string | undefined;
  readonly tap: boolean;
  readonly keepGoing: boolean;
  readonly json: boolean;
}

type Main = (argv: readonly string[], io: Io) => Promise<number>;

interface LoadedBatch {
  readonly kind: 'batch';
  readonly file: string;
  readonly path: string;
  readonly lines: readonly BatchLine[];
}

interface LoadedScenario {
  readonly kind: 'scenario';
  readonly file: string;
  readonly path: string;
  readonly scenario: Scenario;
  /** The batch playbooks its `play:` steps name, by the text of the step. */
  readonly batches: ReadonlyMap<string, LoadedBatch>;
}

type Loaded = LoadedBatch | LoadedScenario;

/** Reads a playbook's text, or says why it cannot be read. */
function readText(path: string): { text: string } | { problem: string } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory, not a file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    return { problem: `cannot read it: ${why}` };
  }
  if (bytes.includes(0)) return { problem: 'cannot read it: not a text file (NUL bytes; save it as ANSI or UTF-8)' };
  return { text: bytes.toString('utf8').replace(/^\uFEFF/, '') };
}

/** The Windows folder a batch is checked with before it runs (the machine's own is used when it runs). */
const CHECK_WINDIR = 'C:\\WINDOWS';

function loadBatch(file: string, path: string, keepGoing: boolean, problems: string[], from?: string): LoadedBatch | undefined {
  const read = readText(path);
  if ('problem' in read) {
    problems.push(`${from ?? file}: ${read.problem}`);
    return undefined;
  }
  const lines = batchLines(read.text);
  if (!keepGoing) {
    for (const bad of notEmulatedLines(lines, batchEnvironment(CHECK_WINDIR), basename(path))) {
      problems.push(`${file}:${bad.line}: ${bad.reason}: ${bad.text} (--keep-going skips such lines)`);
    }
  }
  return { kind: 'batch', file, path, lines };
}

function load(file: string, keepGoing: boolean, problems: string[]): Loaded | undefined {
  const path = resolve(file);
  if (/\.(cmd|bat)$/i.test(file)) return loadBatch(file, path, keepGoing, problems);
  if (!/\.ya?ml$/i.test(file)) {
    problems.push(`${file}: not a playbook (a batch .cmd or .bat, or a scenario .yaml)`);
    return undefined;
  }
  const read = readText(path);
  if ('problem' in read) {
    problems.push(`${file}: ${read.problem}`);
    return undefined;
  }
  const parsed = parseScenario(read.text, basename(file));
  if (!parsed.ok) {
    for (const p of parsed.problems) problems.push(`${file}:${p.line}: ${p.reason}`);
    return undefined;
  }
  const batches = new Map<string, LoadedBatch>();
  for (const step of parsed.scenario.steps) {
    if (step.play === undefined || batches.has(step.play)) continue;
    const batchFile = join(dirname(file), step.play);
    const batch = loadBatch(batchFile, resolve(dirname(path), step.play), keepGoing, problems, `${file}:${step.line}: play: ${step.play}`);
    if (batch) batches.set(step.play, batch);
  }
  if (parsed.scenario.machine.kind === 'import') {
    // Only whether it is there: a MetaBase.xml may be hundreds of MB, and `metabase import` reads it.
    const importPath = resolve(dirname(path), parsed.scenario.machine.file);
    if (!existsSync(importPath) || !statSync(importPath).isFile()) problems.push(`${file}:${parsed.scenario.machine.line}: machine: import ${parsed.scenario.machine.file}: no such file`);
  }
  return { kind: 'scenario', file, path, scenario: parsed.scenario, batches };
}

/** Output of a step, indented under its line, cut when long. */
function outputLines(ran: Ran, max = 20): string[] {
  const lines = [...ran.stdout.split('\n'), ...ran.stderr.split('\n')].map((l) => l.trimEnd()).filter((l) => l !== '');
  return lines.length > max ? [...lines.slice(0, max), `(${lines.length - max} more lines)`] : lines;
}

class Runner {
  readonly suites: SuiteResult[] = [];
  private readonly env: Io['env'];
  private readonly clock: Clock;

  constructor(
    private readonly options: PlayOptions,
    private readonly io: Io,
    private readonly programs: { readonly aspnet_regiis: Main; readonly metabase: Main },
  ) {
    // The runner supplies the machine and the clock itself: REGIIS_* from the environment are not read.
    this.env = Object.fromEntries(Object.entries(io.env).filter(([k]) => !k.toUpperCase().startsWith('REGIIS_')));
    this.clock = options.now === undefined ? systemClock : fixedClock(options.now);
  }

  private get streaming(): boolean {
    return !this.options.tap && !this.options.json;
  }

  private say(line: string): void {
    if (this.streaming) this.io.out(line + '\n');
  }

  private report(c: CaseResult): CaseResult {
    const status = c.status === 'passed' ? 'ok  ' : c.status === 'failed' ? 'FAIL' : 'skip';
    this.say(`${status} ${c.name}`);
    for (const d of c.details) this.say(`       ${d}`);
    return c;
  }

  async program(name: 'aspnet_regiis' | 'metabase', db: string, argv: readonly string[]): Promise<Ran> {
    const io = captureIo(this.env);
    const now = this.options.now === undefined ? [] : ['--now', this.options.now];
    const exit = await this.programs[name](['--db', db, ...now, ...argv], io);
    return { exit, stdout: io.stdout(), stderr: io.stderr() };
  }

  private async withStore<T>(db: string, work: (store: Store) => Promise<T>): Promise<T> {
    const store = await openMachine(db, this.clock);
    try {
      return await work(store);
    } finally {
      await store.close();
    }
  }

  /**
   * Runs a batch on a machine, every line even after one fails, as cmd.exe does; each command line is one
   * case. Returns the cases and what the lines printed.
   */
  async batch(batch: LoadedBatch, db: string, report: boolean): Promise<{ cases: CaseResult[]; ran: Ran }> {
    const env = batchEnvironment(await this.withStore(db, windirOf));
    const cases: CaseResult[] = [];
    let stdout = '';
    let stderr = '';
    const done = (c: CaseResult): void => void cases.push(report ? this.report(c) : c);
    for (const line of batch.lines) {
      const step = interpretLine(line.text, env, basename(batch.path));
      const name = `line ${line.line}: ${line.text.trim()}`;
      let ran: Ran | undefined;
      if (step.kind === 'nothing') continue;
      if (step.kind === 'set') {
        applySet(env, step);
        continue;
      }
      if (step.kind === 'echo') {
        stdout += step.text + '\n';
        if (report) this.say(`       ${step.text}`);
        continue;
      }
      if (step.kind === 'exit') {
        if (step.code !== 0) done({ name, status: 'failed', details: [`the batch exits with ${step.code}`] });
        break;
      }
      if (step.kind === 'not-emulated') {
        if (this.options.keepGoing) {
          done({ name, status: 'skipped', details: [`warning: skipped: ${step.reason}`] });
          continue;
        }
        done({ name, status: 'failed', details: [`${step.reason}: the run stops here`] });
        break;
      }
      if (step.kind === 'fail') {
        ran = { exit: 1, stdout: '', stderr: step.reason + '\n' };
      } else if (step.kind === 'run') {
        ran = await this.program(step.program, db, step.argv);
      } else {
        const words = step.words;
        const outcome = await this.withStore(db, (store) => runAdsutil(store, this.clock, `cscript adsutil.vbs ${words.join(' ')}`, words));
        ran = { exit: outcome.exitCode, stdout: outcome.stdout.map((l) => l + '\n').join(''), stderr: outcome.stderr.map((l) => l + '\n').join('') };
      }
      stdout += ran.stdout;
      stderr += ran.stderr;
      env.set('ERRORLEVEL', String(ran.exit));
      done(ran.exit === 0 ? { name, status: 'passed', details: [] } : { name, status: 'failed', details: [`exited ${ran.exit}`, ...outputLines(ran)] });
    }
    return { cases, ran: { exit: cases.some((c) => c.status === 'failed') ? 1 : 0, stdout, stderr } };
  }

  /** Runs a batch file given to `play` directly: on the `--db` machine. */
  async playBatch(batch: LoadedBatch): Promise<void> {
    this.say(`${batch.file}`);
    const { cases } = await this.batch(batch, this.options.db, true);
    this.suites.push({ name: batch.file, file: batch.file, cases });
  }

  /** Makes a scenario's machine in `db`; returns why it could not. */
  private async machine(loaded: LoadedScenario, db: string): Promise<string[]> {
    const m = loaded.scenario.machine;
    if (m.kind === 'snapshot') {
      try {
        await machineFromSnapshot(this.options.db, db, m.name, this.clock);
        return [];
      } catch (error) {
        return [(error as Error).message];
      }
    }
    const init = await this.program('metabase', db, ['init', '--profile', m.kind === 'profile' ? m.name : 'win2003']);
    if (init.exit !== 0) return outputLines(init);
    if (m.kind === 'import') {
      const imported = await this.program('metabase', db, ['import', resolve(dirname(loaded.path), m.file)]);
      if (imported.exit !== 0) return [`metabase import ${m.file} exited ${imported.exit}`, ...outputLines(imported)];
    }
    return [];
  }

  private stepName(step: ScenarioStep, index: number): string {
    const e = step.expect;
    const checks = e ? [e.versions.length > 0 ? 'versions' : '', e.check ? 'check' : '', e.events ? 'events' : '', e.request ? 'request' : ''].filter((c) => c !== '') : [];
    const what = step.run !== undefined ? step.run : step.play !== undefined ? `play ${step.play}` : `expect ${checks.join(', ')}`;
    return `step ${index + 1}: ${what}`;
  }

  /** One step: its command (or batch), then its expectations. `check` false: run only (the idempotency pass). */
  private async step(loaded: LoadedScenario, step: ScenarioStep, db: string, check: boolean): Promise<string[]> {
    if (step.run !== undefined) {
      const [program, ...argv] = splitWords(step.run) as ['aspnet_regiis' | 'metabase', ...string[]];
      const ran = await this.program(program, db, argv);
      return check ? withOutput(checkRun(step.expect, ran), ran) : [];
    }
    if (step.play !== undefined) {
      const { cases, ran } = await this.batch(loaded.batches.get(step.play)!, db, false);
      if (!check) return [];
      const failing = cases.filter((c) => c.status === 'failed').flatMap((c) => [`${step.play} ${c.name}`, ...c.details.map((d) => `  ${d}`)]);
      const failures = checkRun(step.expect, ran);
      return failures.length === 0 ? [] : [...failures, ...failing];
    }
    const expect = step.expect!;
    const failures: string[] = [];
    if (expect.versions.length > 0) {
      const got = await this.withStore(db, (store) => scriptMapVersions(store, expect.versions.map((v) => v.path)));
      failures.push(...checkVersions(expect.versions, got));
    }
    if (expect.check) failures.push(...checkFindings(expect.check, await this.program('metabase', db, ['check', '--json'])));
    if (expect.events) failures.push(...checkEvents(expect.events, await this.program('metabase', db, ['events', '--log', expect.events.log])));
    if (expect.request) {
      const verb = expect.request.verb === undefined ? [] : ['--verb', expect.request.verb];
      failures.push(...checkRequest(expect.request, await this.program('metabase', db, ['request', expect.request.url, ...verb])));
    }
    return failures;
  }

  async playScenario(loaded: LoadedScenario): Promise<void> {
    const { scenario } = loaded;
    this.say(`${loaded.file}: ${scenario.name}`);
    const cases: CaseResult[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'regiis-play-'));
    const db = join(dir, 'machine.db');
    try {
      const problems = await this.machine(loaded, db);
      if (problems.length > 0) {
        cases.push(this.report({ name: `machine: ${scenario.machine.kind} ${scenario.machine.kind === 'import' ? scenario.machine.file : scenario.machine.name}`, status: 'failed', details: problems }));
        return;
      }
      for (const [i, step] of scenario.steps.entries()) {
        const failures = await this.step(loaded, step, db, true);
        cases.push(this.report({ name: this.stepName(step, i), status: failures.length === 0 ? 'passed' : 'failed', details: failures }));
      }
      if (scenario.idempotent) {
        const first = await this.withStore(db, explicitScriptMaps);
        for (const step of scenario.steps) if (step.run !== undefined || step.play !== undefined) await this.step(loaded, step, db, false);
        const failures = checkIdempotent(first, await this.withStore(db, explicitScriptMaps));
        cases.push(this.report({ name: 'idempotent: every run and play step a second time', status: failures.length === 0 ? 'passed' : 'failed', details: failures }));
      }
    } finally {
      this.suites.push({ name: scenario.name, file: loaded.file, cases });
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** A failing step shows what the command printed under its reasons. */
const withOutput = (failures: string[], ran: Ran): string[] => (failures.length === 0 ? [] : [...failures, ...outputLines(ran).map((l) => `| ${l}`)]);

/** Runs `metabase play`; returns its exit code (1 when anything failed or a file was refused). */
export async function play(options: PlayOptions, io: Io): Promise<number> {
  const problems: string[] = [];
  const loaded = options.files.map((f) => load(f, options.keepGoing, problems));
  if (options.junit !== undefined) {
    const folder = dirname(resolve(options.junit));
    if (!existsSync(folder) || !statSync(folder).isDirectory()) problems.push(`--junit ${options.junit}: the folder ${folder} does not exist`);
  }
  if (problems.length > 0) {
    for (const p of problems) io.err(`metabase play: ${p}\n`);
    io.err(`metabase play: nothing was run (${problems.length} problem${problems.length === 1 ? '' : 's'})\n`);
    return 1;
  }
  // Imported here, not at the top: the workshop's command list imports this module.
  const { main: metabase } = await import('./metabase.js');
  const runner = new Runner(options, io, { aspnet_regiis: aspnetRegiis, metabase });
  for (const file of loaded as Loaded[]) {
    if (file.kind === 'batch') await runner.playBatch(file);
    else await runner.playScenario(file);
  }
  const t = totals(runner.suites);
  if (options.junit !== undefined) {
    try {
      writeFileSync(options.junit, junitXml(runner.suites));
    } catch (error) {
      io.err(`metabase play: --junit ${options.junit}: cannot write it (${(error as Error).message})\n`);
      return 1;
    }
  }
  if (options.json) io.out(JSON.stringify({ suites: runner.suites, ...t }, null, 2) + '\n');
  else if (options.tap) io.out(tapLines(runner.suites).join('\n') + '\n');
  else io.out(summaryLine(t) + '\n');
  return t.failed > 0 ? 1 : 0;
}
