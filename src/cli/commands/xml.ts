import { createWriteStream, existsSync, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';
import { CommandError, badInput, notFound } from '../../app/errors.js';
import { type Sink, exportMetabase, importMetabaseFile } from '../../app/import-export.js';
import { inspect } from '../../app/session.js';
import { toKeyPath, toolPath } from '../../metabase/paths.js';
import { treeLines, treeModel } from '../../metabase/tree-view.js';
import { type Command, flag, optNum, optStr, str } from '../command.js';
import { done, print, withMachine } from '../context.js';
import { progress } from '../format/progress.js';

/** `import FILE [--at PATH]`: a whole MetaBase.xml replaces the metabase; a fragment lands at --at. */
export const importCommand: Command = {
  command: 'import <file>',
  describe: 'read an IIS 6 MetaBase.xml (replaces the metabase) or a key fragment exported by iiscnfg /export (added at --at)',
  builder: (y) => y.option('at', { type: 'string', describe: 'where a fragment goes (W3SVC/5); by default where it was exported from' }),
  run: async (args, ctx) => {
    const file = str(args, 'file');
    const bar = progress('import', 'bytes', ctx.io.errIsTTY === true, (t) => ctx.io.err(t));
    const result = await withMachine(ctx, (store) =>
      importMetabaseFile(store, file, { at: optStr(args, 'at'), onProgress: bar.update, command: ctx.commandLine }, ctx.clock),
    ).finally(bar.finish);
    const registered = result.registered.length > 0 ? `; registered ASP.NET ${result.registered.join(', ')}` : '';
    const where = result.kind === 'whole' ? 'the metabase was replaced' : `added at ${toolPath(result.path!)}`;
    done(ctx, `imported ${file}: ${where}, ${result.keys} keys, ${result.properties} properties${registered}`, { ok: true, file, ...result });
    if (result.droppedComments > 0) {
      ctx.io.err(`metabase: ${result.droppedComments} XML comments were not before a key, so the metabase could not keep them\n`);
    }
  },
};

/** Writes to a file next to OUT and renames it into place, so that a failed export leaves OUT as it was. */
async function toFile<T>(out: string, work: (sink: Sink) => Promise<T>): Promise<T> {
  const partial = join(dirname(out), `.${basename(out)}.${process.pid}.partial`);
  const stream = createWriteStream(partial);
  try {
    await once(stream, 'open');
    const result = await work(async (text) => {
      if (!stream.write(text)) await once(stream, 'drain');
    });
    stream.end();
    await once(stream, 'finish');
    renameSync(partial, out);
    return result;
  } catch (error) {
    stream.destroy();
    rmSync(partial, { force: true });
    if (error instanceof Error && 'code' in error && typeof error.code === 'string' && !(error instanceof CommandError)) {
      throw badInput(`${out}: cannot be written (${error.message})`);
    }
    throw error;
  }
}

/** `export [PATH] [--out FILE] [--inherited] [--force]`: MetaBase.xml as IIS 6 writes it. */
export const exportCommand: Command = {
  command: 'export [path]',
  describe: 'write MetaBase.xml (whole) or a fragment (PATH and below), laid out as IIS 6 writes it',
  builder: (y) =>
    y
      .option('out', { type: 'string', describe: 'write to this file instead of stdout' })
      .option('inherited', { type: 'boolean', default: false, describe: 'write the values PATH inherits explicitly, as iiscnfg /inherited' })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite an existing --out file' }),
  run: async (args, ctx) => {
    const path = optStr(args, 'path');
    const out = optStr(args, 'out');
    const inherited = flag(args, 'inherited');
    if (out !== undefined && existsSync(out) && !flag(args, 'force')) throw new CommandError('conflict', `${out} already exists; use --force to overwrite it`);
    if (out === undefined) {
      let xml = '';
      const result = await withMachine(ctx, (store) =>
        exportMetabase(store, { path, inherited }, (text) => {
          if (ctx.json) xml += text;
          else ctx.io.out(text);
        }),
      );
      if (ctx.json) print(ctx, { keys: result.keys, xml }, () => []);
      return;
    }
    const bar = progress('export', 'keys', ctx.io.errIsTTY === true, (t) => ctx.io.err(t));
    const result = await withMachine(ctx, (store) => toFile(out, (sink) => exportMetabase(store, { path, inherited, onProgress: bar.update }, sink))).finally(
      bar.finish,
    );
    done(ctx, `exported ${result.keys} keys to ${out}`, { ok: true, file: out, keys: result.keys });
  },
};

/** `tree [PATH] [--depth N]`: the key tree with applications, pools and ASP.NET versions. */
export const treeCommand: Command = {
  command: 'tree [path]',
  describe: 'the key tree: type, application, pool and ASP.NET version (explicit or inherited) of each key',
  builder: (y) => y.option('depth', { type: 'string', describe: 'show keys down to N levels below PATH (a number), and count the rest' }),
  run: async (args, ctx) => {
    const typed = optStr(args, 'path');
    const depth = optNum(args, 'depth');
    if (depth !== undefined && !(Number.isInteger(depth) && depth >= 0)) throw badInput(`--depth: a whole number of levels, 0 or more, not ${String(args.depth)}`);
    const nodes = await withMachine(ctx, (store) =>
      inspect(store, (state) => {
        const path = typed === undefined ? undefined : toKeyPath(typed);
        if (path !== undefined && !state.metabase.has(path)) throw notFound(`${typed}: no such key in the metabase`);
        return treeModel(state.metabase, { path, depth });
      }),
    );
    print(ctx, nodes, () => treeLines(nodes));
  },
};
