import { Draft, type MachineState } from '../machine/machine.js';
import type { AppEvent, AuditNote } from '../machine/events.js';
import { AdminError } from '../iis/admin.js';
import type { Store } from '../store/open.js';
import { loadMachine } from '../store/machine-repo.js';
import { commitRun } from './commit.js';
import { CommandError } from './errors.js';
import type { Clock } from './clock.js';

/** What a workshop command's plan returns besides the changes it made to the draft. */
export interface Planned<T> {
  readonly result: T;
  readonly events?: readonly AppEvent[];
  readonly notes?: readonly AuditNote[];
  readonly restarted?: boolean;
}

/** Turns the core's refusals into command errors (a clear message, exit 1, nothing written). */
function guard<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof AdminError) throw new CommandError('bad-input', error.message);
    throw error;
  }
}

/**
 * A command that changes the machine: load, plan on a draft (pure), then write changes, events and audit in
 * one transaction. A plan that throws writes nothing.
 */
export async function mutate<T>(store: Store, clock: Clock, command: string, plan: (d: Draft) => Planned<T>): Promise<T> {
  return store.write(async () => {
    // Lazy: the plan reads what it needs before anything is written, and writes only through commitRun.
    const loaded = await loadMachine(store.sqlite, { lazy: true });
    const draft = new Draft(loaded.state);
    const planned = guard(() => plan(draft));
    if (draft.changed || planned.restarted || (planned.events?.length ?? 0) > 0) {
      await commitRun(
        store,
        loaded,
        draft,
        { command, events: planned.events ?? [], notes: planned.notes ?? [], restarted: planned.restarted ?? false },
        clock.now(),
      );
    }
    return planned.result;
  });
}

/** A command that only reads the machine. */
export async function inspect<T>(store: Store, read: (state: MachineState) => T): Promise<T> {
  return store.read(async () => {
    const { state } = await loadMachine(store.sqlite, { lazy: true });
    return guard(() => read(state));
  });
}
