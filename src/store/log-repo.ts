import type { Kysely } from 'kysely';
import type { AppEvent } from '../machine/events.js';
import type { AppEventRow, AuditRow, Database } from './schema.js';
import { type Db, batchInsert, rawOf, statement } from './raw.js';

/** The two append-only logs (machine.md §6). */

export async function appendAppEvents(db: Db, events: readonly AppEvent[], time: string): Promise<void> {
  const insert = statement(rawOf(db), 'insert into app_event (time, source, event_id, type, text) values (?, ?, ?, ?, ?)');
  for (const e of events) insert.run(time, e.source, e.eventId, e.type, e.text);
}

/** Appends the audit lines of one run, grouped under a new run number. */
export async function appendAudit(db: Db, lines: readonly { kind: string; text: string }[], time: string): Promise<void> {
  if (lines.length === 0) return;
  const sqlite = rawOf(db);
  // The log is append-only and runs count up, so its last entry holds the highest run (no scan of a long log).
  const last = statement(sqlite, 'select run from audit_entry order by seq desc limit 1').raw(true).get() as [number] | undefined;
  const run = (last?.[0] ?? 0) + 1;
  const insert = batchInsert(sqlite, 'audit_entry', ['time', 'run', 'kind', 'text']);
  for (const line of lines) insert.add(time, run, line.kind, line.text);
  insert.flush();
}

export interface EventFilter {
  readonly since?: string | undefined;
  readonly source?: string | undefined;
  readonly eventId?: number | undefined;
}

export async function readAppEvents(db: Kysely<Database>, filter: EventFilter = {}): Promise<AppEventRow[]> {
  let query = db.selectFrom('app_event').selectAll().orderBy('seq');
  if (filter.since !== undefined) query = query.where('time', '>=', filter.since);
  if (filter.source !== undefined) query = query.where((eb) => eb(eb.fn('lower', ['source']), '=', filter.source!.toLowerCase()));
  if (filter.eventId !== undefined) query = query.where('event_id', '=', filter.eventId);
  return query.execute();
}

export async function readAudit(db: Kysely<Database>, filter: EventFilter = {}): Promise<AuditRow[]> {
  let query = db.selectFrom('audit_entry').selectAll().orderBy('seq');
  if (filter.since !== undefined) query = query.where('time', '>=', filter.since);
  return query.execute();
}

/** Audit lines of the given kinds, oldest first (`check` reads the `stripped` notes and their runs' commands). */
export async function readAuditKinds(db: Db, kinds: readonly string[]): Promise<AuditRow[]> {
  if (kinds.length === 0) return [];
  return rawOf(db)
    .prepare(`select seq, time, run, kind, text from audit_entry where kind in (${kinds.map(() => '?').join(', ')}) order by seq`)
    .all(...kinds) as AuditRow[];
}
