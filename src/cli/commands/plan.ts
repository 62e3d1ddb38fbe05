import { main as aspnetRegiis } from '../aspnet-regiis.js';
import { type Command, optStr } from '../command.js';

/**
 * `plan -- ARGS...`: exactly `aspnet_regiis --what-if ARGS...`. The workshop's global options go along (the
 * machine file, --json, --now), and the emulator's own program does the rest, so the two cannot drift apart.
 */
export const plan: Command = {
  command: 'plan',
  describe: 'what aspnet_regiis ARGS would do (plan -- ARGS...: the same as aspnet_regiis --what-if ARGS...)',
  run: async (args, ctx) => {
    const words = ((args['_'] as unknown[] | undefined) ?? []).slice(1).map(String);
    const now = optStr(args, 'now');
    const globals = ['--db', ctx.db, ...(ctx.json ? ['--json'] : []), ...(now === undefined ? [] : ['--now', now])];
    return aspnetRegiis(['--what-if', ...globals, ...words], ctx.io);
  },
};
