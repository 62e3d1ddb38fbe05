import { runAspnetRegiis } from '../app/aspnet-regiis.js';
import { openMachine } from '../app/machine-file.js';
import { reportError } from './errors.js';
import { planLines } from './format/plan.js';
import { clockFrom, dbFile, optionFlag, optionText } from './globals.js';
import { type Io, writeLines } from './io.js';
import { writeJson } from './format/json.js';

const PROGRAM = 'aspnet_regiis';

/** Emulator options (aspnet_regiis.md): long `--` options, parsed by yargs; those that take a value. */
const VALUED = new Set(['db', 'framework', 'now']);
/** The tool's options whose next word is always their argument, whatever it looks like. */
const TAKES_WORD = new Set(['s', 'sn', 'k', 'kn', 'ga']);

/** Splits argv into the emulator's `--` options and the real tool's words (which yargs must never see). */
export function splitArgv(argv: readonly string[]): { emulator: string[]; tool: string[] } {
  const emulator: string[] = [];
  const tool: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word.startsWith('--') && word.length > 2) {
      emulator.push(word);
      const name = word.slice(2).split('=')[0]!.toLowerCase();
      if (VALUED.has(name) && !word.includes('=') && i + 1 < argv.length) emulator.push(argv[++i]!);
      continue;
    }
    tool.push(word);
    if ((word.startsWith('-') || word.startsWith('/')) && TAKES_WORD.has(word.slice(1).toLowerCase()) && i + 1 < argv.length) tool.push(argv[++i]!);
  }
  return { emulator, tool };
}

export interface EmulatorOptions {
  readonly db: string | undefined;
  readonly framework: string | undefined;
  readonly whatIf: boolean;
  readonly json: boolean;
  readonly detailedExitcode: boolean;
  readonly now: string | undefined;
  readonly crlf: boolean;
  readonly verbose: boolean;
}

/** The emulator's switches, which yargs reads as booleans. */
const FLAGS = new Set(['what-if', 'json', 'detailed-exitcode', 'crlf', 'verbose']);

/**
 * The emulator options in their everyday form, read without yargs: each known option at most once, written
 * `--name value` or `--switch`, every value a plain word. Loading yargs costs a noticeable part of a cold
 * start, and nearly every run looks like this. Anything else (another spelling, `=`, a repeat, a value
 * that looks like an option, an unknown option) returns undefined and goes to yargs, which stays the
 * authority: for every argv this accepts, yargs gives the same options (test/cli/emulator-options.test.ts).
 */
export function quickEmulatorOptions(words: readonly string[]): EmulatorOptions | undefined {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    const name = words[i]!.startsWith('--') ? words[i]!.slice(2) : '';
    if (VALUED.has(name)) {
      const value = words[i + 1];
      if (values.has(name) || value === undefined || value === '' || value.startsWith('-')) return undefined;
      values.set(name, value);
      i++;
    } else if (FLAGS.has(name) && !flags.has(name)) {
      flags.add(name);
    } else {
      return undefined;
    }
  }
  return {
    db: values.get('db'),
    framework: values.get('framework'),
    whatIf: flags.has('what-if'),
    json: flags.has('json'),
    detailedExitcode: flags.has('detailed-exitcode'),
    now: values.get('now'),
    crlf: flags.has('crlf'),
    verbose: flags.has('verbose'),
  };
}

/** The emulator options as yargs reads them (loaded only for the forms `quickEmulatorOptions` leaves). */
export async function parseEmulatorOptions(words: string[]): Promise<EmulatorOptions> {
  const { default: yargs } = await import('yargs');
  let failure: string | undefined;
  const args = yargs(words)
    .parserConfiguration({ 'short-option-groups': false, 'camel-case-expansion': true })
    .option('db', { type: 'string', describe: 'the machine file (REGIIS_DB); default ./metabase.db' })
    .option('framework', { type: 'string', describe: 'which installed framework\'s tool runs (REGIIS_FRAMEWORK)' })
    .option('what-if', { type: 'boolean', default: false })
    .option('json', { type: 'boolean', default: false })
    .option('detailed-exitcode', { type: 'boolean', default: false })
    .option('now', { type: 'string' })
    .option('crlf', { type: 'boolean', default: false })
    .option('verbose', { type: 'boolean', default: false })
    .strict()
    .help(false)
    .version(false)
    .exitProcess(false)
    .fail((message) => {
      failure = message;
    })
    .parseSync();
  if (failure !== undefined) throw new EmulatorUsageError(failure);
  return {
    db: optionText('db', args.db),
    framework: optionText('framework', args.framework),
    whatIf: optionFlag(args.whatIf),
    json: optionFlag(args.json),
    detailedExitcode: optionFlag(args.detailedExitcode),
    now: optionText('now', args.now),
    crlf: optionFlag(args.crlf),
    verbose: optionFlag(args.verbose),
  };
}

class EmulatorUsageError extends Error {}

/** The `aspnet_regiis` program: returns its exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    const split = splitArgv(argv);
    let options: EmulatorOptions;
    try {
      options = quickEmulatorOptions(split.emulator) ?? (await parseEmulatorOptions(split.emulator));
    } catch (error) {
      if (!(error instanceof EmulatorUsageError)) throw error;
      io.err(`${PROGRAM}: ${error.message} (emulator options: --db FILE --framework V --what-if --json --detailed-exitcode --now ISO --crlf --verbose)\n`);
      return 1;
    }
    const clock = clockFrom(options.now, io);
    // The tool runs on the raw connection only: no Kysely to load.
    const store = await openMachine(dbFile(options.db, io), clock, undefined, { kysely: false });
    try {
      const framework = options.framework ?? (io.env.REGIIS_FRAMEWORK || undefined);
      // The plan (a copy of the machine diffed after the run) only when something shows it.
      const plan = options.whatIf || options.json || options.detailedExitcode;
      const result = await runAspnetRegiis(store, { words: split.tool, framework, whatIf: options.whatIf, clock, plan });
      const { outcome } = result;
      const { changed } = result;
      if (options.json) {
        writeJson((t) => io.out(t), {
          tool: result.tool,
          exitCode: outcome.exitCode,
          whatIf: options.whatIf,
          changed,
          stdout: outcome.stdout,
          stderr: outcome.stderr,
          result: outcome.data ?? null,
          diff: result.diff,
          changes: result.changes,
          events: outcome.events,
          restarted: outcome.restarted,
          recycled: result.recycled,
        });
      } else if (options.whatIf) {
        const plan = {
          title: `aspnet_regiis (${result.tool}) ${split.tool.join(' ')}`,
          exitCode: outcome.exitCode,
          stdout: outcome.stdout,
          diff: result.diff,
          changed,
          restarted: outcome.restarted,
          recycled: result.recycled,
          events: outcome.events,
        };
        writeLines((t) => io.out(t), planLines(plan, options.verbose), options.crlf ? '\r\n' : '\n');
        writeLines((t) => io.err(t), outcome.stderr);
      } else {
        writeLines((t) => io.out(t), outcome.stdout, options.crlf ? '\r\n' : '\n');
        writeLines((t) => io.err(t), outcome.stderr);
      }
      if (outcome.exitCode !== 0) return 1;
      return options.detailedExitcode && changed ? 2 : 0;
    } finally {
      await store.close();
    }
  } catch (error) {
    return reportError(io, PROGRAM, error);
  }
}
