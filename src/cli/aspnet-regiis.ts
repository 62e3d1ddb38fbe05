import yargs from 'yargs';
import { runAspnetRegiis } from '../app/aspnet-regiis.js';
import { openMachine } from '../app/machine-file.js';
import { reportError } from './errors.js';
import { planLines } from './format/plan.js';
import { clockFrom, dbFile, optionFlag, optionText } from './globals.js';
import { type Io, writeLines } from './io.js';

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

interface EmulatorOptions {
  readonly db: string | undefined;
  readonly framework: string | undefined;
  readonly whatIf: boolean;
  readonly json: boolean;
  readonly detailedExitcode: boolean;
  readonly now: string | undefined;
  readonly crlf: boolean;
  readonly verbose: boolean;
}

function parseEmulatorOptions(words: string[]): EmulatorOptions {
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
      options = parseEmulatorOptions(split.emulator);
    } catch (error) {
      if (!(error instanceof EmulatorUsageError)) throw error;
      io.err(`${PROGRAM}: ${error.message} (emulator options: --db FILE --framework V --what-if --json --detailed-exitcode --now ISO --crlf --verbose)\n`);
      return 1;
    }
    const clock = clockFrom(options.now, io);
    const store = await openMachine(dbFile(options.db, io), clock);
    try {
      const framework = options.framework ?? (io.env.REGIIS_FRAMEWORK || undefined);
      const result = await runAspnetRegiis(store, { words: split.tool, framework, whatIf: options.whatIf, clock });
      const { outcome } = result;
      const { changed } = result;
      if (options.json) {
        io.out(
          JSON.stringify(
            {
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
            },
            null,
            2,
          ) + '\n',
        );
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
