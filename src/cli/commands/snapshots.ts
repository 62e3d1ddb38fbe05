import { compare, dropSnapshot, rewind, snapshots, takeSnapshot } from '../../app/snapshots.js';
import { type Command, flag, optStr, str } from '../command.js';
import { done, print, withMachine } from '../context.js';
import { diffLines, workerLines } from '../format/diff.js';
import { isEmptyDiff } from '../../machine/diff.js';

/** `snapshot save|list|restore|delete`: named copies of the whole machine (logs aside), in the same file. */
export const snapshotCommands: readonly Command[] = [
  {
    command: 'save <name>',
    describe: 'copy the whole machine (not its logs) under a name',
    run: async (args, ctx) => {
      const taken = await withMachine(ctx, (store) => takeSnapshot(store, ctx.clock, ctx.commandLine, str(args, 'name')));
      done(ctx, `saved snapshot ${taken.name} (${taken.takenAt})`, { ok: true, ...taken });
    },
  },
  {
    command: 'list',
    describe: 'the snapshots, oldest first',
    run: async (_args, ctx) => {
      const rows = await withMachine(ctx, (store) => snapshots(store));
      print(ctx, rows, () =>
        rows.length === 0 ? ['no snapshots'] : rows.map((r) => `${r.name.padEnd(20)} ${r.takenAt}  ${r.profile}  ${r.keys} keys`),
      );
    },
  },
  {
    command: 'restore <name>',
    describe: 'make the machine what the snapshot holds (one transaction; the logs are kept)',
    run: async (args, ctx) => {
      const restored = await withMachine(ctx, (store) => rewind(store, ctx.clock, ctx.commandLine, str(args, 'name')));
      done(ctx, `restored snapshot ${restored.name} (taken ${restored.takenAt})`, { ok: true, ...restored });
    },
  },
  {
    command: 'delete <name>',
    describe: 'forget a snapshot',
    run: async (args, ctx) => {
      const name = await withMachine(ctx, (store) => dropSnapshot(store, ctx.clock, ctx.commandLine, str(args, 'name')));
      done(ctx, `deleted snapshot ${name}`, { ok: true, name });
    },
  },
];

/** `diff A [B]`: keys, properties, frameworks, pools and worker processes that differ. */
export const diff: Command = {
  command: 'diff <from> [to]',
  describe: 'what differs between two snapshots, or a snapshot and now',
  builder: (y) => y.option('verbose', { type: 'boolean', default: false, describe: 'list every moved, added and dropped script map entry' }),
  run: async (args, ctx) => {
    const result = await withMachine(ctx, (store) => compare(store, str(args, 'from'), optStr(args, 'to')));
    print(ctx, result, () => {
      const lines = [...diffLines(result.diff, flag(args, 'verbose')), ...workerLines(result.workers)];
      const same = isEmptyDiff(result.diff) && result.workers.length === 0;
      return [`diff ${result.from} -> ${result.to}`, ...(same ? ['no differences'] : lines)];
    });
  },
};
