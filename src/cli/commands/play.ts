import { play as runPlaybooks } from '../play.js';
import { type Command, flag, optStr, strs } from '../command.js';

/** `play FILE... [--junit OUT] [--tap] [--keep-going]`: batch playbooks and scenarios (metabase-cli.md). */
export const play: Command = {
  command: 'play <files..>',
  describe: 'run batch playbooks (.cmd, .bat) on the machine and scenarios (.yaml) each on its own copy',
  builder: (y) =>
    y
      .option('junit', { type: 'string', describe: 'also write the results as JUnit XML to this file' })
      .option('tap', { type: 'boolean', default: false, describe: 'print the results as TAP instead of one line per step' })
      .option('keep-going', { type: 'boolean', default: false, describe: 'skip lines that are not emulated (with a warning) instead of refusing the batch' }),
  run: (args, ctx) =>
    runPlaybooks(
      {
        files: strs(args, 'files'),
        db: ctx.db,
        now: optStr(args, 'now'),
        junit: optStr(args, 'junit'),
        tap: flag(args, 'tap'),
        keepGoing: flag(args, 'keep-going'),
        json: ctx.json,
      },
      ctx.io,
    ),
};
