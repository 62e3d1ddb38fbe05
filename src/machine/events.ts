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
  readonly kind: 'note' | 'grant' | 'stripped' | 'restart' | 'recycle';
  readonly text: string;
}

export const appEvent = (source: string, eventId: number, type: EventType, text: string): AppEvent => ({ source, eventId, type, text });
