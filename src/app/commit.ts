import type { Change, Draft } from '../machine/machine.js';
import type { AppEvent, AuditNote } from '../machine/events.js';
import { recycledApplications } from '../iis/recycle.js';
import type { Store } from '../store/open.js';
import { type LoadedMachine, applyChanges } from '../store/machine-repo.js';
import { appendAppEvents, appendAudit } from '../store/log-repo.js';
import { listJson } from '../store/rows.js';
import { loadRuntime, saveRuntime } from '../store/runtime-repo.js';
import { recycleApplications, restart } from '../iis/runtime.js';
import { poolOf } from '../iis/admin.js';

/** Everything a successful (or partly successful) run leaves besides its changes. */
export interface RunRecord {
  /** The command line, as the audit log names it (`aspnet_regiis (2.0.50727) -s W3SVC/1/ROOT`). */
  readonly command: string;
  readonly events: readonly AppEvent[];
  readonly notes: readonly AuditNote[];
  readonly restarted: boolean;
}

const show = (value: unknown): string => (Array.isArray(value) ? listJson(value) : JSON.stringify(value));

/** One audit line per changed key property, key, framework, directory and service (before and after). */
export function describeChange(change: Change): { kind: string; text: string } {
  switch (change.kind) {
    case 'setProperty':
      return {
        kind: 'change',
        text: `set ${change.path} ${change.after.name}: ${change.before ? show(change.before.value) : '(none)'} -> ${show(change.after.value)}`,
      };
    case 'deleteProperty':
      return { kind: 'change', text: `delete ${change.path} ${change.before.name} (was ${show(change.before.value)})` };
    case 'createKey':
      return { kind: 'change', text: `create key ${change.path} (${change.keyType})` };
    case 'deleteKey':
      return { kind: 'change', text: `delete key ${change.path} and everything below it` };
    case 'framework':
      return { kind: 'change', text: `framework ${change.after.version}: ${show(change.before ?? null)} -> ${show(change.after)}` };
    case 'mkdir':
      return { kind: 'change', text: `mkdir ${change.path}` };
    case 'rmdir':
      return { kind: 'change', text: `rmdir ${change.path}` };
    case 'services':
      return { kind: 'change', text: `services: ${show(change.before)} -> ${show(change.after)}` };
    case 'windir':
      return { kind: 'change', text: `Windows folder: ${change.before} -> ${change.after}` };
    case 'setupLog':
      return { kind: 'change', text: `setup log counter -> ${change.next}` };
    case 'grant':
      return { kind: 'grant', text: `grant ${change.user} (ASP.NET ${change.version})` };
  }
}

/** Values at least this long that a run's changes name more than once are written once (`value #N = ...`). */
const SHARED_VALUE_LENGTH = 200;

/**
 * The audit lines of a run's changes: one per change, as `describeChange` words it, except that a long value
 * several changes share (a server-wide `-r` moves twenty thousand keys between a handful of lists) is written
 * once, as a `value #N = ...` line before its first use, and named `#N` in the change lines. Every key's
 * before and after stays in the log, at a few dozen bytes a key instead of kilobytes.
 */
export function describeChanges(changes: readonly Change[]): { kind: string; text: string }[] {
  const uses = new Map<unknown, number>();
  const count = (value: unknown): void => void uses.set(value, (uses.get(value) ?? 0) + 1);
  for (const change of changes) {
    if (change.kind === 'setProperty') {
      if (change.before) count(change.before.value);
      count(change.after.value);
    } else if (change.kind === 'deleteProperty') {
      count(change.before.value);
    }
  }
  const numbers = new Map<unknown, number>();
  const lines: { kind: string; text: string }[] = [];
  const name = (value: unknown): string => {
    const text = show(value);
    if ((uses.get(value) ?? 0) < 2 || text.length < SHARED_VALUE_LENGTH) return text;
    let number = numbers.get(value);
    if (number === undefined) {
      numbers.set(value, (number = numbers.size + 1));
      lines.push({ kind: 'value', text: `value #${number} = ${text}` });
    }
    return `#${number}`;
  };
  for (const change of changes) {
    if (change.kind === 'setProperty') {
      const before = change.before ? name(change.before.value) : '(none)';
      lines.push({ kind: 'change', text: `set ${change.path} ${change.after.name}: ${before} -> ${name(change.after.value)}` });
    } else if (change.kind === 'deleteProperty') {
      lines.push({ kind: 'change', text: `delete ${change.path} ${change.before.name} (was ${name(change.before.value)})` });
    } else {
      lines.push(describeChange(change));
    }
  }
  return lines;
}

/**
 * Writes a run in the current transaction: its changes, its events, the worker processes a restart stops,
 * the AppDomains it recycles, and its audit lines.
 */
export async function commitRun(store: Store, loaded: LoadedMachine, draft: Draft, record: RunRecord, time: string): Promise<string[]> {
  const recycled = recycledApplications(draft, record.restarted);
  await applyChanges(store.sqlite, loaded, draft.changes);
  await appendAppEvents(store.sqlite, record.events, time);
  // A restart stops every worker process; otherwise the changed applications' AppDomains end and their
  // worker processes keep the CLR they loaded (machine.md §5).
  const running = await loadRuntime(store.sqlite);
  const next = record.restarted
    ? restart(running)
    : recycleApplications(running, recycled, { command: record.command, time, poolOf: (app) => poolOf(draft.metabase, app)?.name });
  if (next !== running) await saveRuntime(store.sqlite, next);
  const audit = [
    { kind: 'command', text: record.command },
    ...describeChanges(draft.changes),
    ...record.notes,
    ...(record.restarted ? [{ kind: 'restart', text: 'restart W3SVC: every worker process stopped' }] : []),
    ...(recycled.length > 0
      ? [{ kind: 'recycle', text: `recycle ${record.restarted ? 'server-wide' : 'changed applications'}: ${recycled.join(', ')}` }]
      : []),
  ];
  await appendAudit(store.sqlite, audit, time);
  return recycled;
}
