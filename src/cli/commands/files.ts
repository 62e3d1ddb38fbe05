import { badInput } from '../../app/errors.js';
import { inspect, mutate } from '../../app/session.js';
import { normalizeDir } from '../../machine/machine.js';
import { AdminError } from '../../iis/admin.js';
import { type Command, strs } from '../command.js';
import { type Context, done, print, withMachine } from '../context.js';

/** DIR and every directory below it, sorted; every directory when DIR is not given. */
function listing(directories: ReadonlyMap<string, string>, dir: string | undefined): string[] {
  const root = dir === undefined ? undefined : normalizeDir(dir).toLowerCase();
  return [...directories]
    .filter(([lc]) => root === undefined || lc === root || lc.startsWith(root + '\\'))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, path]) => path);
}

async function changeDir(ctx: Context, verb: 'mkdir' | 'rm', dir: string): Promise<void> {
  await withMachine(ctx, (store) =>
    mutate(store, ctx.clock, ctx.commandLine, (d) => {
      if (verb === 'mkdir') d.mkdir(dir);
      else if (!d.dirExists(dir)) throw new AdminError(`${dir}: no such directory`);
      else d.rmdir(dir);
      return { result: undefined };
    }),
  );
  done(ctx, verb === 'mkdir' ? `created ${normalizeDir(dir)}` : `removed ${normalizeDir(dir)} and everything below it`);
}

export const files: Command = {
  command: 'files [args..]',
  describe: 'the virtual file system: files [DIR] lists, files mkdir DIR, files rm DIR',
  run: async (args, ctx) => {
    const [first, ...rest] = strs(args, 'args');
    if (first === 'mkdir' || first === 'rm') {
      if (rest.length !== 1) throw badInput(`files ${first}: give exactly one directory`);
      return changeDir(ctx, first, rest[0]!);
    }
    if (rest.length > 0) throw badInput('files: give at most one directory to list');
    const dirs = await withMachine(ctx, (store) =>
      inspect(store, (state) => {
        if (first !== undefined && !state.directories.has(normalizeDir(first).toLowerCase())) throw new AdminError(`${first}: no such directory`);
        return listing(state.directories, first);
      }),
    );
    print(ctx, dirs, () => dirs);
  },
};
