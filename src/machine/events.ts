/** Entries of the two logs (machine.md §6). The clock stamps them when a run is written, not here. */
export type EventType = 'Information' | 'Warning' | 'Error';

/** An Application event log entry, as Windows shows it. */
export interface AppEvent {
  readonly source: string;
  readonly eventId: number;
  readonly type: EventType;
  readonly text: string;
}

/** A line of the emulator's audit log beyond the command line and key changes it records by itself. */
export interface AuditNote {
  readonly kind: 'note' | 'grant' | 'stripped' | 'restart' | 'recycle' | 'runtime';
  readonly text: string;
}

/**
 * The audit note of a key whose list lost its ASP.NET entries (`-k`, `-kn`, `-u` with nothing compatible
 * left, `-ua`): IIS serves ASP.NET files there as plain text from then on. `metabase check` reads it back.
 */
export const strippedNote = (path: string, why: string): AuditNote => ({ kind: 'stripped', text: `stripped ${path}: ${why}` });

/** The key a `stripped` note names (see `strippedNote`), undefined for any other text. */
export function strippedPath(note: { readonly kind: string; readonly text: string }): string | undefined {
  if (note.kind !== 'stripped') return undefined;
  return /^stripped (\/.*?): /.exec(note.text)?.[1];
}

export const appEvent = (source: string, eventId: number, type: EventType, text: string): AppEvent => ({ source, eventId, type, text });
