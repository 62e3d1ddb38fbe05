import { badInput } from '../../app/errors.js';
import { snapshotTime } from '../../app/snapshots.js';
import { readAppEvents, readAudit } from '../../store/log-repo.js';
import { type Command, optNum, optStr, str } from '../command.js';
import { type Context, print, withMachine } from '../context.js';

/** `--since`: an ISO 8601 time, else the name of a snapshot (the time it was taken). */
async function sinceTime(ctx: Context, since: string | undefined, resolveSnapshot: (name: string) => Promise<string | undefined>): Promise<string | undefined> {
  if (since === undefined) return undefined;
  const time = new Date(since);
  if (/^\d{4}-\d{2}-\d{2}/.test(since) && !Number.isNaN(time.getTime())) return time.toISOString();
  const taken = await resolveSnapshot(since);
  if (taken === undefined) throw badInput(`--since: ${since} is neither an ISO 8601 time nor a snapshot`);
  return taken;
}

export const events: Command = {
  command: 'events',
  describe: 'the Application event log, or the audit log',
  builder: (y) =>
    y
      .option('log', { choices: ['application', 'audit'] as const, default: 'application' })
      .option('since', { type: 'string', describe: 'an ISO 8601 time or a snapshot name' })
      .option('source', { type: 'string', describe: 'only this source (application log)' })
      .option('id', { type: 'string', describe: 'only this event ID, a number (application log)' }),
  run: async (args, ctx) => {
    const log = str(args, 'log');
    await withMachine(ctx, async (store) => {
      const since = await sinceTime(ctx, optStr(args, 'since'), (name) => snapshotTime(store, name));
      if (log === 'audit') {
        const rows = await readAudit(await store.kysely(), { since });
        print(ctx, rows, () => rows.map((r) => `${r.time}  #${r.run}  ${r.kind.padEnd(7)}  ${r.text}`));
      } else {
        const rows = await readAppEvents(await store.kysely(), { since, source: optStr(args, 'source'), eventId: optNum(args, 'id') });
        print(ctx, rows, () => rows.map((r) => `${r.time}  ${r.source}  ${r.event_id}  ${r.type}  ${r.text}`));
      }
    });
  },
};
