import { inspect, mutate } from '../../app/session.js';
import { addPool, addSite, addVirtualDirectory, assignPool, createApplication, deleteApplication, poolMembers } from '../../iis/admin.js';
import { toolPath } from '../../metabase/paths.js';
import { type Command, flag, optNum, optStr, str } from '../command.js';
import { type Context, done, print, withMachine } from '../context.js';
import type { Draft } from '../../machine/machine.js';

/** Runs one administration step as a write command and confirms it. */
async function change(ctx: Context, plan: (d: Draft) => string, message: (path: string) => string): Promise<void> {
  const path = await withMachine(ctx, (store) => mutate(store, ctx.clock, ctx.commandLine, (d) => ({ result: plan(d) })));
  done(ctx, message(toolPath(path)), { ok: true, path: toolPath(path) });
}

const poolOption = { type: 'string', describe: 'the application pool (IIS 6)' } as const;

export const siteCommands: readonly Command[] = [
  {
    command: 'add <name>',
    describe: 'add a web site (an IIsWebServer with its ROOT application)',
    builder: (y) =>
      y
        .option('id', { type: 'string', describe: 'site id (a number); the next free one by default' })
        .option('bindings', { type: 'string', describe: 'IP:port:host[,IP:port:host...]; default :80:' })
        .option('path', { type: 'string', describe: 'home directory; created if missing' })
        .option('pool', poolOption),
    run: (args, ctx) =>
      change(
        ctx,
        (d) => addSite(d, { name: str(args, 'name'), id: optNum(args, 'id'), bindings: optStr(args, 'bindings'), path: optStr(args, 'path'), pool: optStr(args, 'pool') }),
        (path) => `added site ${path}`,
      ),
  },
];

export const vdirCommands: readonly Command[] = [
  {
    command: 'add <key>',
    describe: 'add a virtual directory (its directory is created)',
    builder: (y) =>
      y
        .option('path', { type: 'string', demandOption: true, describe: 'the directory it maps to' })
        .option('app', { type: 'boolean', default: false, describe: 'make it an application' })
        .option('pool', poolOption),
    run: (args, ctx) =>
      change(
        ctx,
        (d) => addVirtualDirectory(d, str(args, 'key'), str(args, 'path'), flag(args, 'app'), optStr(args, 'pool')),
        (path) => `added virtual directory ${path}${flag(args, 'app') ? ' (application)' : ''}`,
      ),
  },
];

export const appCommands: readonly Command[] = [
  {
    command: 'create <key>',
    describe: 'make a key an application',
    builder: (y) => y.option('pool', poolOption),
    run: (args, ctx) => change(ctx, (d) => createApplication(d, str(args, 'key'), optStr(args, 'pool')), (path) => `${path} is an application`),
  },
  {
    command: 'delete <key>',
    describe: 'stop a key being an application',
    run: (args, ctx) => change(ctx, (d) => deleteApplication(d, str(args, 'key')), (path) => `${path} is no longer an application`),
  },
];

export const poolCommands: readonly Command[] = [
  {
    command: 'add <name>',
    describe: 'add an application pool',
    run: (args, ctx) => change(ctx, (d) => addPool(d, str(args, 'name')), (path) => `added application pool ${path}`),
  },
  {
    command: 'assign <key> <pool>',
    describe: 'run an application in a pool (sets AppPoolId)',
    run: (args, ctx) => change(ctx, (d) => assignPool(d, str(args, 'key'), str(args, 'pool')), (path) => `${path} runs in pool ${str(args, 'pool')}`),
  },
  {
    command: 'list',
    describe: "each pool's applications and their ASP.NET versions",
    run: async (_args, ctx) => {
      const pools = await withMachine(ctx, (store) => inspect(store, poolMembers));
      const rows = [...pools].map(([pool, apps]) => ({
        pool,
        applications: apps.map((a) => ({ path: toolPath(a.path), version: a.version ?? null })),
        versions: [...new Set(apps.map((a) => a.version).filter((v) => v !== undefined))],
      }));
      print(ctx, rows, () =>
        rows.flatMap((row) => [
          `${row.pool}${row.versions.length > 1 ? `  (CLR ${row.versions.join(' and ')} in one pool)` : ''}`,
          ...(row.applications.length === 0 ? ['  (no applications)'] : row.applications.map((a) => `  ${a.path}  ${a.version ?? 'no ASP.NET'}`)),
        ]),
      );
    },
  },
];
