import { badInput } from '../../app/errors.js';
import { generateMachine } from '../../app/generate.js';
import { MAX_GENERATED_SITES } from '../../iis/generate.js';
import { type Args, type Command, optStr } from '../command.js';
import { done, withMachine } from '../context.js';

/** A whole number in [min, max], or a clear error naming the option. */
function wholeNumber(args: Args, name: string, min: number, max: number, fallback?: number): number {
  const typed = optStr(args, name);
  if (typed === undefined && fallback !== undefined) return fallback;
  const value = Number(typed);
  if (typed === undefined || !/^\d+$/.test(typed.trim()) || value < min || value > max) {
    throw badInput(`--${name}: a whole number from ${min} to ${max}, not ${typed ?? '(nothing)'}`);
  }
  return value;
}

export const generate: Command = {
  command: 'generate',
  describe: 'replace the machine with a generated IIS 6 hosting server',
  builder: (y) =>
    y
      .option('sites', { type: 'string', demandOption: true, describe: 'customer sites to build (about 10 keys each)' })
      .option('seed', { type: 'string', describe: 'the same seed builds the same server; default 1' }),
  run: async (args, ctx) => {
    const sites = wholeNumber(args, 'sites', 1, MAX_GENERATED_SITES);
    const seed = wholeNumber(args, 'seed', 0, 0xffffffff, 1);
    const summary = await withMachine(ctx, (store) => generateMachine(store, { sites, seed }, ctx.clock, ctx.commandLine));
    done(
      ctx,
      `generated a hosting server in ${ctx.db}: ${summary.sites} sites, ${summary.keys} keys, ${summary.scriptMaps} with explicit ScriptMaps, ${summary.pools} app pools (seed ${summary.seed})`,
      { ok: true, file: ctx.db, ...summary },
    );
  },
};
