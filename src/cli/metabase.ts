import yargs, { type Argv } from 'yargs';
import { reportError } from './errors.js';
import { clockFrom, dbFile, optionFlag, optionText } from './globals.js';
import type { Io } from './io.js';
import type { Context } from './context.js';
import { type Command, group } from './command.js';
import { init, mode, profiles } from './commands/machine.js';
import { appCommands, poolCommands, siteCommands, vdirCommands } from './commands/sites.js';
import { frameworkCommands } from './commands/framework.js';
import { create, get, remove, set } from './commands/raw.js';
import { files } from './commands/files.js';
import { events } from './commands/events.js';
import { check } from './commands/check.js';
import { iisreset, recycle, request } from './commands/runtime.js';
import { exportCommand, importCommand, treeCommand } from './commands/xml.js';
import { plan } from './commands/plan.js';
import { play } from './commands/play.js';
import { diff, snapshotCommands } from './commands/snapshots.js';
import { doctor } from './commands/doctor.js';
import { generate } from './commands/generate.js';

const PROGRAM = 'metabase';

/** Registers a command on a yargs instance; its handler only records what to run. */
function register(y: Argv, command: Command, selected: { run?: (ctx: Context) => Promise<number | void> }): Argv {
  return y.command(command.command, command.describe, command.builder ?? ((b) => b), (args) => {
    selected.run = (ctx) => command.run(args, ctx);
  });
}

/** Every command of the workshop, in the order `--help` lists them. */
function commands(selected: { run?: (ctx: Context) => Promise<number | void> }): readonly Command[] {
  const sub = (y: Argv, c: Command): Argv => register(y, c, selected);
  return [
    init,
    profiles,
    importCommand,
    exportCommand,
    generate,
    group('site', 'web sites', siteCommands, sub),
    group('vdir', 'virtual directories', vdirCommands, sub),
    group('app', 'applications', appCommands, sub),
    group('pool', 'application pools', poolCommands, sub),
    mode,
    group('framework', '.NET Framework setup', frameworkCommands, sub),
    get,
    set,
    remove,
    create,
    files,
    treeCommand,
    check,
    events,
    request,
    iisreset,
    recycle,
    diff,
    plan,
    play,
    group('snapshot', 'named copies of the whole machine', snapshotCommands, sub),
    doctor,
  ];
}

/** The `metabase` program: returns its exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const selected: { run?: (ctx: Context) => Promise<number | void> } = {};
  let parser: Argv = yargs()
    .scriptName(PROGRAM)
    .usage('$0 [--db FILE] [--json] [--now ISO] <command> [args]')
    .parserConfiguration({ 'parse-numbers': false, 'parse-positional-numbers': false, 'short-option-groups': false })
    .option('db', { type: 'string', global: true, describe: 'the machine file (REGIIS_DB); default ./metabase.db' })
    .option('json', { type: 'boolean', global: true, default: false, describe: 'machine-readable output' })
    .option('now', { type: 'string', global: true, describe: 'a fixed clock (REGIIS_NOW)' })
    .strict()
    .demandCommand(1, 'name a command (metabase --help lists them)')
    .recommendCommands()
    .exitProcess(false)
    .version(false)
    .wrap(100);
  for (const command of commands(selected)) parser = register(parser, command, selected);

  const parsed = await new Promise<{ error: Error | undefined; args: Record<string, unknown>; output: string }>((resolve) => {
    parser.parse([...argv], {}, (error, args, output) => resolve({ error: error ?? undefined, args: args as Record<string, unknown>, output }));
  });
  if (parsed.error) {
    io.err(`${PROGRAM}: ${parsed.error.message}\n`);
    return 1;
  }
  if (!selected.run) {
    // --help, --version, or a group named without its subcommand (yargs has printed why).
    if (parsed.output) io.out(parsed.output + '\n');
    return 0;
  }
  try {
    const ctx: Context = {
      io,
      json: optionFlag(parsed.args.json),
      db: dbFile(optionText('db', parsed.args.db), io),
      clock: clockFrom(optionText('now', parsed.args.now), io),
      commandLine: `${PROGRAM} ${argv.join(' ')}`,
    };
    return (await selected.run(ctx)) ?? 0;
  } catch (error) {
    return reportError(io, PROGRAM, error);
  }
}
