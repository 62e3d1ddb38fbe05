import { recycleAppPool, resetIis, simulateRequest } from '../../app/runtime.js';
import { type Command, optStr, str } from '../command.js';
import { print, withMachine } from '../context.js';

/** The running server: simulated requests, `iisreset`, `recycle POOL` (metabase-cli.md, "Running it"). */

export const request: Command = {
  command: 'request <url>',
  describe: 'simulate one request through IIS and ASP.NET',
  builder: (y) =>
    y
      .option('verb', { type: 'string', default: 'GET', describe: 'the HTTP method' })
      .option('ip', { type: 'string', describe: 'the server address the request arrives on (default: the URL\'s IP, 127.0.0.1 for localhost)' }),
  run: async (args, ctx) => {
    const response = await withMachine(ctx, (store) =>
      simulateRequest(store, ctx.clock, ctx.commandLine, { url: str(args, 'url'), verb: str(args, 'verb'), ip: optStr(args, 'ip') }),
    );
    // Whatever the status, a simulated response is a success: exit 0.
    print(ctx, response, () => [response.line]);
  },
};

/** What the real iisreset prints. */
const IISRESET_LINES = ['Attempting stop...', 'Internet services successfully stopped', 'Attempting start...', 'Internet services successfully restarted'];

export const iisreset: Command = {
  command: 'iisreset',
  describe: 'restart IIS: every worker process stops',
  run: async (_args, ctx) => {
    await withMachine(ctx, (store) => resetIis(store, ctx.clock, ctx.commandLine));
    print(ctx, { ok: true, restarted: true }, () => IISRESET_LINES);
  },
};

export const recycle: Command = {
  command: 'recycle <pool>',
  describe: "recycle an application pool: its worker process stops",
  run: async (args, ctx) => {
    const { pool, stopped } = await withMachine(ctx, (store) => recycleAppPool(store, ctx.clock, ctx.commandLine, str(args, 'pool')));
    const data = { ok: true, pool, stopped: stopped.map((w) => ({ id: w.id, image: w.image, clr: w.clr ?? null, appDomains: w.appDomains.map((a) => a.application) })) };
    print(ctx, data, () => [
      stopped.length === 0
        ? `recycled application pool ${pool}: no worker process was running`
        : `recycled application pool ${pool}: stopped ${stopped.map((w) => `${w.image} #${w.id}${w.clr ? ` (CLR ${w.clr}, ${w.appDomains.length} AppDomain${w.appDomains.length === 1 ? '' : 's'})` : ''}`).join(', ')}`,
    ]);
  },
};
