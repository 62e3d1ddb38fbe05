import { initMachine } from '../../app/machine-file.js';
import { badInput } from '../../app/errors.js';
import { mutate } from '../../app/session.js';
import { setIisMode } from '../../iis/admin.js';
import { PROFILES, isProfileName } from '../../machine/profiles.js';
import { type Command, flag, str } from '../command.js';
import { done, print, withMachine } from '../context.js';

export const init: Command = {
  command: 'init',
  describe: 'create the machine file from a profile',
  builder: (y) =>
    y
      .option('profile', { type: 'string', default: 'win2003', describe: 'one of: metabase profiles' })
      .option('force', { type: 'boolean', default: false, describe: 'replace an existing machine' }),
  run: async (args, ctx) => {
    const profile = str(args, 'profile');
    if (!isProfileName(profile)) throw badInput(`--profile: no profile named ${profile} (${Object.keys(PROFILES).join(', ')})`);
    await initMachine(ctx.db, profile, flag(args, 'force'), ctx.clock);
    done(ctx, `created ${ctx.db} from profile ${profile}`, { ok: true, file: ctx.db, profile });
  },
};

export const profiles: Command = {
  command: 'profiles',
  describe: 'list the profiles a machine can start from',
  run: async (_args, ctx) => {
    const rows = Object.entries(PROFILES).map(([name, description]) => ({ name, description }));
    print(ctx, rows, () => rows.map((r) => `${r.name.padEnd(15)} ${r.description}`));
  },
};

export const mode: Command = {
  command: 'mode <mode>',
  describe: 'set the IIS 6 isolation mode',
  builder: (y) => y.positional('mode', { choices: ['iis6', 'iis6-iis5-isolation'] as const }),
  run: async (args, ctx) => {
    const value = str(args, 'mode') as 'iis6' | 'iis6-iis5-isolation';
    // Switching the isolation mode restarts W3SVC on a real server, so every worker process stops.
    await withMachine(ctx, (store) => mutate(store, ctx.clock, ctx.commandLine, (d) => (setIisMode(d, value), { result: undefined, restarted: true })));
    done(ctx, `IIS mode: ${value}`, { ok: true, mode: value });
  },
};

