import type { Kysely } from 'kysely';
import type { AppEvent } from '../machine/events.js';
import type { AppEventRow, AuditRow, Database } from './schema.js';

/** The two append-only logs (machine.md §6). */

export async function appendAppEvents(db: Kysely<Database>, events: readonly AppEvent[], time: string): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto('app_event')
    .values(events.map((e) => ({ time, source: e.source, event_id: e.eventId, type: e.type, text: e.text })))
    .execute();
}

/** Appends the audit lines of one run, grouped under a new run number. */
export async function appendAudit(db: Kysely<Database>, lines: readonly { kind: string; text: string }[], time: string): Promise<void> {
  if (lines.length === 0) return;
  const last = await db.selectFrom('audit_entry').select((eb) => eb.fn.max('run').as('run')).executeTakeFirst();
  const run = Number(last?.run ?? 0) + 1;
  for (let i = 0; i < lines.length; i += 500) {
    await db
      .insertInto('audit_entry')
      .values(lines.slice(i, i + 500).map((line) => ({ time, run, kind: line.kind, text: line.text })))
      .execute();
  }
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
export async function readAuditKinds(db: Kysely<Database>, kinds: readonly string[]): Promise<AuditRow[]> {
  if (kinds.length === 0) return [];
  return db.selectFrom('audit_entry').selectAll().where('kind', 'in', [...kinds]).orderBy('seq').execute();
}
