import { badInput } from '../../app/errors.js';
import { inspect, mutate } from '../../app/session.js';
import { FRAMEWORK_VERSIONS, type FrameworkVersion, fourPart, parseFrameworkVersion } from '../../regiis/frameworks.js';
import { findExtensionEntry } from '../../regiis/registration.js';
import { breakFramework, installFramework, uninstallFramework } from '../../regiis/setup.js';
import { rootVersion } from '../../regiis/tool.js';
import { Draft, hasIis6 } from '../../machine/machine.js';
import { AdminError } from '../../iis/admin.js';
import type { AppEvent, AuditNote } from '../../machine/events.js';
import { type Command, flag, str } from '../command.js';
import { type Context, done, print, withMachine } from '../context.js';
import { writeLines } from '../io.js';

function version(typed: string): FrameworkVersion {
  const v = parseFrameworkVersion(typed);
  if (!v) throw badInput(`unknown framework version ${typed} (use 1.0, 1.1, 2.0, 3.5, 4.0 ... 4.8, or v2.0.50727)`);
  return v;
}

function requireInstalled(d: Draft, v: FrameworkVersion): void {
  if (!d.state.frameworks.get(v)?.installed) throw new AdminError(`.NET Framework ${v} is not installed`);
}

/** What a setup step returns: the log entries it wrote and what it said on stderr. */
interface SetupStep {
  readonly stderr?: readonly string[];
  readonly events?: readonly AppEvent[];
  readonly notes?: readonly AuditNote[];
  readonly restarted: boolean;
}

async function setup(ctx: Context, plan: (d: Draft) => SetupStep, message: string): Promise<void> {
  const stderr = await withMachine(ctx, (store) =>
    mutate(store, ctx.clock, ctx.commandLine, (d) => {
      const outcome = plan(d);
      return { result: outcome.stderr ?? [], events: outcome.events, notes: outcome.notes, restarted: outcome.restarted };
    }),
  );
  writeLines((t) => ctx.io.err(t), stderr);
  done(ctx, message);
}

export const frameworkCommands: readonly Command[] = [
  {
    command: 'list',
    describe: 'the frameworks on the machine: installed, registered, status, Web Service Extension',
    run: async (_args, ctx) => {
      const rows = await withMachine(ctx, (store) =>
        inspect(store, (state) => {
          const d = new Draft(state);
          const root = rootVersion(d);
          return FRAMEWORK_VERSIONS.filter((v) => state.frameworks.has(v)).map((v) => {
            const f = state.frameworks.get(v)!;
            const extension = hasIis6(state) ? findExtensionEntry(d, v) : undefined;
            return {
              version: fourPart(v),
              installed: f.installed,
              registered: f.registered,
              status: !f.registered ? 'not registered' : !f.installed || !f.isapiPresent ? 'Invalid' : v === root ? 'Valid (Root)' : 'Valid',
              webServiceExtension: extension === undefined ? null : extension.allowed ? 'allowed' : 'prohibited',
            };
          });
        }),
      );
      print(ctx, rows, () =>
        rows.length === 0
          ? ['no .NET Framework on this machine']
          : rows.map(
              (r) =>
                `${r.version.padEnd(12)} ${(r.installed ? 'installed' : 'files removed').padEnd(14)} ${r.status.padEnd(15)}${r.webServiceExtension ? ` Web Service Extension ${r.webServiceExtension}` : ''}`,
            ),
      );
    },
  },
  {
    command: 'install <version>',
    describe: "play the framework's setup program",
    builder: (y) => y.option('noaspupgrade', { type: 'boolean', default: false, describe: 'never remap existing script maps' }),
    run: (args, ctx) => {
      const v = version(str(args, 'version'));
      return setup(
        ctx,
        (d) => {
          if (d.state.frameworks.get(v)?.installed) throw new AdminError(`.NET Framework ${v} is already installed`);
          return installFramework(d, v, flag(args, 'noaspupgrade'));
        },
        `installed .NET Framework ${v}`,
      );
    },
  },
  {
    command: 'uninstall <version>',
    describe: "run the version's aspnet_regiis -u, then remove its files",
    run: (args, ctx) => {
      const v = version(str(args, 'version'));
      return setup(
        ctx,
        (d) => {
          requireInstalled(d, v);
          return uninstallFramework(d, v);
        },
        `uninstalled .NET Framework ${v}`,
      );
    },
  },
  {
    command: 'break <version>',
    describe: "delete the version's aspnet_isapi.dll, as a careless admin might",
    run: (args, ctx) => {
      const v = version(str(args, 'version'));
      return setup(
        ctx,
        (d) => {
          requireInstalled(d, v);
          breakFramework(d, v);
          return { restarted: false };
        },
        `deleted aspnet_isapi.dll of .NET Framework ${v}: aspnet_regiis -lv shows it Invalid`,
      );
    },
  },
];
