import { openMachine } from '../app/machine-file.js';
import type { Clock } from '../app/clock.js';
import type { Store } from '../store/open.js';
import { type Io, writeLines } from './io.js';
import { writeJson } from './format/json.js';

/** What every `metabase` command gets: the console, the global options, and a way to open the machine. */
export interface Context {
  readonly io: Io;
  readonly json: boolean;
  readonly db: string;
  readonly clock: Clock;
  /** The argv, as the audit log records it. */
  readonly commandLine: string;
}

/** Opens the machine file (created with the default profile when missing), runs `work`, closes it. */
export async function withMachine<T>(ctx: Context, work: (store: Store) => Promise<T>): Promise<T> {
  // Kysely is loaded only by the commands that ask for it (store.kysely()); the rest run on the raw connection.
  const store = await openMachine(ctx.db, ctx.clock, undefined, { kysely: false });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** Prints a read command's result: JSON with `--json`, else the text lines. */
export function print(ctx: Context, data: unknown, lines: () => readonly string[]): void {
  if (ctx.json) writeJson((t) => ctx.io.out(t), data);
  else writeLines((t) => ctx.io.out(t), lines());
}

/** Confirms a write command in one line (or JSON). */
export function done(ctx: Context, message: string, data: unknown = { ok: true, message }): void {
  print(ctx, data, () => [message]);
}
